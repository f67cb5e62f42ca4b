using System.Globalization;
using System.Security.Claims;
using EventPlatform.Api.Auth;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections.JobStatus;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace EventPlatform.Api.Stats.Throughput;

internal static class GetThroughputEndpoint
{
    private const int DefaultMinutes = 60;
    private const int MaxMinutes = 24 * 60;

    public static void Map(IEndpointRouteBuilder stats) =>
        stats.MapGet("/throughput", GetThroughputAsync)
            .WithName("GetThroughput")
            .WithSummary("Jobs ended per minute")
            .WithDescription($"How many jobs ended in each of the last `minutes` minutes (1 to {MaxMinutes}, default 60), per outcome, "
                + "oldest first, every minute listed. An admin counts everyone's jobs; anyone else their own.")
            .ProducesValidationProblem();

    private static async Task<Results<Ok<ThroughputResponse>, ValidationProblem>> GetThroughputAsync(
        ClaimsPrincipal principal, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken, string? minutes = null)
    {
        // Read as text: a value that is not a number gets the same ProblemDetails naming the field as one out of range.
        var window = DefaultMinutes;
        if (minutes is not null && (!int.TryParse(minutes, NumberStyles.None, CultureInfo.InvariantCulture, out window) || window is < 1 or > MaxMinutes))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["minutes"] = [$"minutes must be from 1 to {MaxMinutes}."] },
                title: "minutes is not valid.");
        }

        var caller = Caller.From(principal);
        var now = clock.GetUtcNow();
        var firstMinute = Minute(now).AddMinutes(1 - window);
        var counts = await CountAsync(store, firstMinute, caller.IsAdmin ? null : caller.UserId, cancellationToken).ConfigureAwait(false);
        var buckets = Enumerable.Range(0, window)
            .Select(i => firstMinute.AddMinutes(i))
            .Select(minute => new MinuteResponse(
                minute,
                counts.GetValueOrDefault((minute, JobPhase.Succeeded)),
                counts.GetValueOrDefault((minute, JobPhase.Failed)),
                counts.GetValueOrDefault((minute, JobPhase.TimedOut)),
                counts.GetValueOrDefault((minute, JobPhase.Cancelled))))
            .ToList();
        return TypedResults.Ok(new ThroughputResponse(now, buckets));
    }

    private static async Task<Dictionary<(DateTimeOffset Minute, JobPhase State), int>> CountAsync(
        IDocumentStore store, DateTimeOffset since, string? userId, CancellationToken cancellationToken)
    {
        var table = store.Options.FindOrResolveDocumentType(typeof(JobStatusView)).TableName.QualifiedName;
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"select date_trunc('minute', finished_at at time zone 'UTC'), data ->> 'State', count(*)::int from {table} "
            + "where finished_at >= @since" + (userId is null ? string.Empty : " and data ->> 'UserId' = @user")
            + " group by 1, 2",
            connection);
        command.Parameters.AddWithValue("since", since);
        if (userId is not null)
        {
            command.Parameters.AddWithValue("user", userId);
        }

        Dictionary<(DateTimeOffset, JobPhase), int> counts = [];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Enum.TryParse<JobPhase>(reader.GetString(1), out var state))
            {
                var minute = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc));
                counts[(minute, state)] = reader.GetInt32(2);
            }
        }

        return counts;
    }

    private static DateTimeOffset Minute(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
}

internal sealed record ThroughputResponse(DateTimeOffset AsOf, IReadOnlyList<MinuteResponse> Minutes);

internal sealed record MinuteResponse(DateTimeOffset Minute, int Succeeded, int Failed, int TimedOut, int Cancelled);

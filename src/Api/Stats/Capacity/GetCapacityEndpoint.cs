using System.Security.Claims;
using EventPlatform.Api.Auth;
using EventPlatform.Sagas.Admission;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EventPlatform.Api.Stats.Capacity;

internal static class GetCapacityEndpoint
{
    public static void Map(IEndpointRouteBuilder stats) =>
        stats.MapGet("/capacity", GetCapacityAsync)
            .WithName("GetCapacity")
            .WithSummary("Running slots against the caps")
            .WithDescription("Slots held now (jobs starting, running or being stopped) against the platform's cap and each user's, "
                + "read from the admission controller's own table, not from a projection. An admin sees every user holding a slot or "
                + "with a cap of their own; anyone else sees themselves.");

    private static async Task<Ok<CapacityResponse>> GetCapacityAsync(
        ClaimsPrincipal principal, IDocumentStore store, IOptions<AdmissionOptions> admission, CancellationToken cancellationToken)
    {
        var caller = Caller.From(principal);
        var caps = admission.Value;
        var held = await SlotsHeldAsync(store, cancellationToken).ConfigureAwait(false);
        IEnumerable<string> users = caller.IsAdmin ? held.Keys.Union(caps.UserLimits.Keys, StringComparer.Ordinal) : [caller.UserId];
        var perUser = users
            .Order(StringComparer.Ordinal)
            .Select(user => new UserCapacityResponse(user, held.GetValueOrDefault(user), caps.CapFor(user)))
            .ToList();
        return TypedResults.Ok(new CapacityResponse(new SlotsResponse(held.Values.Sum(), caps.MaxRunning), caps.MaxRunningPerUser, perUser));
    }

    private static async Task<Dictionary<string, int>> SlotsHeldAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        var slots = AdmissionTables.Name(store.Options.DatabaseSchemaName, AdmissionTables.Slots);
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"select user_id, count(*)::int from {slots} group by user_id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        Dictionary<string, int> held = new(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            held[reader.GetString(0)] = reader.GetInt32(1);
        }

        return held;
    }
}

internal sealed record CapacityResponse(SlotsResponse Global, int DefaultUserCap, IReadOnlyList<UserCapacityResponse> Users);

internal sealed record SlotsResponse(int Used, int Cap);

internal sealed record UserCapacityResponse(string User, int Used, int Cap);

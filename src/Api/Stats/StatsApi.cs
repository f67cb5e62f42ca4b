using System.Security.Claims;
using EventPlatform.Api.Auth;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections.QueueStats;
using EventPlatform.Projections.UserJobStats;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Stats;

/// <summary>
/// The figures views, as the async daemon last left them. Users read their own; another user's,
/// or everyone's, is 403 unless the caller is an admin, as with <c>GET /jobs?user=</c> (ADR 0013).
/// </summary>
internal static class StatsApi
{
    public static IEndpointRouteBuilder MapStats(this IEndpointRouteBuilder endpoints)
    {
        var stats = endpoints.MapGroup("/stats").WithTags("Stats");
        stats.MapGet("/users/me", GetMineAsync)
            .WithName("GetMyStats")
            .WithSummary("Your jobs' figures")
            .WithDescription("Your jobs per state and the p50/p95 of their run durations (from a histogram: within about 2.5 %). Built by the projection daemon, so a moment behind.");
        stats.MapGet("/users/{user}", GetUserAsync)
            .WithName("GetUserStats")
            .WithSummary("One user's figures")
            .WithDescription("As GET /stats/users/me, for the named user: yourself, or anyone with an admin key (403 otherwise).")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        stats.MapGet("/users", ListUsersAsync)
            .WithName("ListUserStats")
            .WithSummary("Every user's figures")
            .WithDescription("The figures of every user who has submitted a job. Admin keys only (403 otherwise).")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        stats.MapGet("/queue", GetQueueAsync)
            .WithName("GetQueueStats")
            .WithSummary("The queue's figures")
            .WithDescription("Jobs waiting per priority, starting and running, and how long the oldest waiting job has waited (its id for admin keys only).");
        return endpoints;
    }

    private static Task<UserStatsResponse> GetMineAsync(ClaimsPrincipal user, IQuerySession session, CancellationToken cancellationToken) =>
        LoadAsync(session, Caller.From(user).UserId, cancellationToken);

    private static async Task<Results<Ok<UserStatsResponse>, ProblemHttpResult>> GetUserAsync(
        string user, ClaimsPrincipal principal, IQuerySession session, CancellationToken cancellationToken)
    {
        var caller = Caller.From(principal);
        if (!caller.IsAdmin && user != caller.UserId)
        {
            return Forbidden("only an admin may read another user's figures.");
        }

        return TypedResults.Ok(await LoadAsync(session, user, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<IReadOnlyList<UserStatsResponse>>, ProblemHttpResult>> ListUsersAsync(
        ClaimsPrincipal principal, IQuerySession session, CancellationToken cancellationToken)
    {
        if (!Caller.From(principal).IsAdmin)
        {
            return Forbidden("only an admin may read every user's figures; GET /stats/users/me has yours.");
        }

        var views = await session.Query<UserJobStatsView>().OrderBy(x => x.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok<IReadOnlyList<UserStatsResponse>>([.. views.Select(UserStatsResponse.From)]);
    }

    /// <summary>Counts only; which job waits longest is for admins, as other users' jobs are.</summary>
    private static async Task<Ok<QueueStatsResponse>> GetQueueAsync(
        ClaimsPrincipal principal, IQuerySession session, TimeProvider clock, CancellationToken cancellationToken)
    {
        var view = await session.LoadAsync<QueueStatsView>(QueueStatsView.SingletonId, cancellationToken).ConfigureAwait(false) ?? new QueueStatsView();
        var oldest = view.OldestWaiting is { } waiting
            ? new OldestWaitingResponse(
                waiting.Since,
                Math.Round((clock.GetUtcNow() - waiting.Since).TotalSeconds, 3),
                Priority(waiting.Priority),
                Caller.From(principal).IsAdmin ? waiting.Id : null)
            : null;
        var queued = new QueuedResponse(view.Queued.High, view.Queued.Normal, view.Queued.Low, view.Queued.High + view.Queued.Normal + view.Queued.Low);
        return TypedResults.Ok(new QueueStatsResponse(queued, view.Starting, view.Running, oldest));
    }

    private static async Task<UserStatsResponse> LoadAsync(IQuerySession session, string userId, CancellationToken cancellationToken)
    {
        var view = await session.LoadAsync<UserJobStatsView>(userId, cancellationToken).ConfigureAwait(false);
        return UserStatsResponse.From(view ?? new UserJobStatsView { Id = userId });
    }

    private static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"user: {detail}");

    private static string Priority(JobPriority priority) => priority.ToString().ToLowerInvariant();
}

internal sealed record UserStatsResponse(string User, JobStateCounts Jobs, RunDurationsResponse RunDurations)
{
    public static UserStatsResponse From(UserJobStatsView view) => new(
        view.Id,
        view.Jobs,
        new RunDurationsResponse(
            view.RunDurations.Count,
            Seconds(view.RunDurations.Percentile(0.5)),
            Seconds(view.RunDurations.Percentile(0.95)),
            Math.Round(DurationHistogram.MaxRelativeError, 4)));

    private static double? Seconds(TimeSpan? duration) => duration is { } d ? Math.Round(d.TotalSeconds, 3) : null;
}

/// <summary>Percentiles from a log-bucket histogram: each within <see cref="MaxRelativeError"/> of the exact value.</summary>
internal sealed record RunDurationsResponse(long Count, double? P50Seconds, double? P95Seconds, double MaxRelativeError);

internal sealed record QueueStatsResponse(QueuedResponse Queued, int Starting, int Running, OldestWaitingResponse? OldestWaiting);

internal sealed record QueuedResponse(int High, int Normal, int Low, int Total);

internal sealed record OldestWaitingResponse(DateTimeOffset Since, double WaitedSeconds, string Priority, Guid? JobId);

using System.Security.Claims;
using EventPlatform.Api.Auth;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections.QueueStats;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Stats.Queue;

internal static class GetQueueStatsEndpoint
{
    public static void Map(IEndpointRouteBuilder stats) =>
        stats.MapGet("/queue", GetQueueAsync)
            .WithName("GetQueueStats")
            .WithSummary("The queue's figures")
            .WithDescription("Jobs waiting per priority, starting and running, and how long the oldest waiting job has waited (its id for admin keys only).");

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

    private static string Priority(JobPriority priority) => priority.ToString().ToLowerInvariant();
}

internal sealed record QueueStatsResponse(QueuedResponse Queued, int Starting, int Running, OldestWaitingResponse? OldestWaiting);

internal sealed record QueuedResponse(int High, int Normal, int Low, int Total);

internal sealed record OldestWaitingResponse(DateTimeOffset Since, double WaitedSeconds, string Priority, Guid? JobId);

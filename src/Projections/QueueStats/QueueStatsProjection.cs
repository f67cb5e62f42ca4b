using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections.Transitions;
using JasperFx.Events;
using Marten;

namespace EventPlatform.Projections.QueueStats;

/// <summary>
/// Async. Counts follow the status view's state changes exactly, so a job that goes back to
/// Queued for a retry, or is cancelled from any state, moves between the counts instead of
/// drifting them (docs/adr/0016-figures-rebuild-and-audit.md).
/// </summary>
public sealed class QueueStatsProjection : JobTransitionProjection
{
    public const string ProjectionName = "QueueStats";

    protected override async Task ApplyTransitionsAsync(IDocumentOperations operations, IReadOnlyList<JobTransition> transitions, CancellationToken cancellation)
    {
        var view = await operations.LoadAsync<QueueStatsView>(QueueStatsView.SingletonId, cancellation).ConfigureAwait(false) ?? new QueueStatsView();

        // Each job's last word on this page: waiting since when, or not waiting (null).
        var waiting = new Dictionary<Guid, WaitingJob?>();
        foreach (var (e, before, after) in transitions)
        {
            var priority = after.Spec.Priority;
            switch (before?.State)
            {
                case JobPhase.Queued:
                    view.Queued.Add(priority, -1);
                    waiting[after.Id] = null;
                    break;
                case JobPhase.Starting:
                    view.Starting--;
                    break;
                case JobPhase.Running:
                    view.Running--;
                    break;
            }

            switch (after.State)
            {
                case JobPhase.Queued:
                    view.Queued.Add(priority, 1);
                    waiting[after.Id] = new WaitingJob(after.Id, priority, WaitingSince(e));
                    break;
                case JobPhase.Starting:
                    view.Starting++;
                    break;
                case JobPhase.Running:
                    view.Running++;
                    break;
            }
        }

        foreach (var (jobId, job) in waiting)
        {
            if (job is null)
            {
                operations.Delete<WaitingJob>(jobId);
            }
            else
            {
                operations.Store(job);
            }
        }

        if (waiting.Count > 0)
        {
            view.OldestWaiting = await OldestAsync(operations, waiting, cancellation).ConfigureAwait(false);
        }

        operations.Store(view);
    }

    private static DateTimeOffset WaitingSince(IEvent e) => e.Data switch
    {
        JobSubmitted submitted => submitted.SubmittedAt,
        JobRetryScheduled retry => retry.ScheduledAt,
        _ => e.Timestamp,
    };

    /// <summary>The stored rows are as of the previous page; this page's changes are still staged, so both are looked at.</summary>
    private static async Task<WaitingJob?> OldestAsync(IDocumentOperations operations, Dictionary<Guid, WaitingJob?> page, CancellationToken cancellation)
    {
        var changed = page.Keys.ToArray();
        var stored = await operations.Query<WaitingJob>()
            .Where(x => !x.Id.IsOneOf(changed))
            .OrderBy(x => x.Since)
            .ThenBy(x => x.Id)
            .FirstOrDefaultAsync(cancellation)
            .ConfigureAwait(false);
        return page.Values.Append(stored)
            .OfType<WaitingJob>()
            .OrderBy(x => x.Since)
            .ThenBy(x => x.Id.ToString(), StringComparer.Ordinal)
            .FirstOrDefault();
    }
}

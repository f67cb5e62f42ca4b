using EventPlatform.Projections.JobStatus;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace EventPlatform.Projections.Transitions;

/// <summary>
/// Figures across jobs need each job's state before an event, which the event does not carry: a
/// <c>JobFailed</c> may end a Starting or a Running job, a <c>JobCancelled</c> a Queued one too. For
/// each page of events the daemon hands over, the earlier events of the page's streams are read in
/// one query and folded with the status projection's own logic, so the figures count exactly the
/// transitions the status view makes, however the events are paged (a rebuild pages differently).
/// Async only: inline, the page's events have no sequence yet.
/// </summary>
public abstract class JobTransitionProjection : IProjection
{
    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        if (events.Count == 0)
        {
            return;
        }

        var page = events.OrderBy(e => e.Sequence).ToList();
        var firstSequence = page[0].Sequence;
        var streams = page.Select(e => e.StreamId).Distinct().ToArray();
        var earlier = await operations.Events.QueryAllRawEvents()
            .Where(e => e.StreamId.IsOneOf(streams) && e.Sequence < firstSequence)
            .OrderBy(e => e.Sequence)
            .ToListAsync(cancellation)
            .ConfigureAwait(false);

        var status = new Dictionary<Guid, JobStatusView?>();
        foreach (var e in earlier)
        {
            status[e.StreamId] = JobStatusProjection.Replay(status.GetValueOrDefault(e.StreamId), e.Data);
        }

        List<JobTransition> transitions = [];
        foreach (var e in page)
        {
            var before = status.GetValueOrDefault(e.StreamId);
            var after = JobStatusProjection.Replay(before, e.Data);
            status[e.StreamId] = after;
            if (after is not null && before?.State != after.State)
            {
                transitions.Add(new JobTransition(e, before, after));
            }
        }

        if (transitions.Count > 0)
        {
            await ApplyTransitionsAsync(operations, transitions, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>The page's changes of state, in event order; stage the view changes on <paramref name="operations"/>.</summary>
    protected abstract Task ApplyTransitionsAsync(IDocumentOperations operations, IReadOnlyList<JobTransition> transitions, CancellationToken cancellation);
}

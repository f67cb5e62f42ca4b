using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections.JobStatus;
using JasperFx.Events;

namespace EventPlatform.Api.Jobs.Following;

/// <summary>
/// One event of a job's stream as a follower sees it: the store's sequence (the stream's SSE id), the
/// event, and the job's state once it applied. The owner and labels are for filtering, read from the
/// job's status row.
/// </summary>
internal sealed record JobChange(long Sequence, Guid JobId, long Version, string Type, DateTimeOffset Timestamp, string? State, string UserId, IReadOnlyDictionary<string, string> Labels)
{
    public static JobChange? From(IEvent e, JobStatusView? current)
    {
        if (current is null)
        {
            return null;
        }

        return new JobChange(e.Sequence, e.StreamId, e.Version, e.EventType.Name, e.Timestamp, StateSetBy(e.Data, current), current.UserId, current.Spec.Labels);
    }

    /// <summary>
    /// The state the event puts a job in, by the status projection's own logic: applied to a job in two
    /// different states, an event that sets a state gives it both times, one that sets none (a cancel
    /// request) leaves each as it was, and then it is null.
    /// </summary>
    private static string? StateSetBy(object data, JobStatusView job)
    {
        if (data is JobSubmitted)
        {
            return JobStatusProjection.Replay(null, data)?.State.ToString();
        }

        var fromQueued = JobStatusProjection.Replay(job with { State = JobPhase.Queued }, data)?.State;
        var fromRunning = JobStatusProjection.Replay(job with { State = JobPhase.Running }, data)?.State;
        return fromQueued == fromRunning ? fromQueued?.ToString() : null;
    }

    public JobChangeResponse ToResponse() => new(Sequence, JobId, Version, Type, Timestamp, State, UserId);
}

/// <summary><paramref name="Type"/> is the event's name (JobStarted ...); <paramref name="State"/> the state it put the job in, null for an event that sets none.</summary>
internal sealed record JobChangeResponse(long Sequence, Guid JobId, long Version, string Type, DateTimeOffset Timestamp, string? State, string UserId);

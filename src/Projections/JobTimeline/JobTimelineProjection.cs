using EventPlatform.Contracts.Jobs;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace EventPlatform.Projections.JobTimeline;

/// <summary>
/// Async: nobody needs the timeline inside the write transaction, so the daemon builds it
/// off the hot path.
/// </summary>
public sealed class JobTimelineProjection : SingleStreamProjection<JobTimelineView, Guid>
{
    public const string ProjectionName = "JobTimeline";

    public JobTimelineProjection() => Name = ProjectionName;

    public static JobTimelineView Create(IEvent<JobSubmitted> e) =>
        new() { Id = e.StreamId, Entries = [Entry(e, 0, e.Data.SubmittedAt, $"{e.Data.Spec.Priority} priority, by {e.Data.UserId}")] };

    public static JobTimelineView Apply(IEvent<JobQueued> e, JobTimelineView view) =>
        Append(view, Entry(e, e.Data.Attempt, e.Data.QueuedAt, null));

    public static JobTimelineView Apply(IEvent<JobLaunchRequested> e, JobTimelineView view) =>
        Append(view, Entry(e, e.Data.Attempt, e.Data.RequestedAt, null));

    public static JobTimelineView Apply(IEvent<JobStarted> e, JobTimelineView view) =>
        Append(view, Entry(e, e.Data.Attempt, e.Data.StartedAt, $"task {e.Data.TaskId}"));

    public static JobTimelineView Apply(IEvent<JobSucceeded> e, JobTimelineView view) =>
        Append(view, Entry(e, e.Data.Attempt, e.Data.FinishedAt, $"exit code {e.Data.ExitCode}"));

    public static JobTimelineView Apply(IEvent<JobFailed> e, JobTimelineView view) =>
        Append(view, Entry(e, e.Data.Attempt, e.Data.FinishedAt, e.Data.Reason));

    public static JobTimelineView Apply(IEvent<JobTimedOut> e, JobTimelineView view) =>
        Append(view, Entry(e, e.Data.Attempt, e.Data.FinishedAt, $"timeout {e.Data.TimeoutSeconds} s"));

    public static JobTimelineView Apply(IEvent<JobRetryScheduled> e, JobTimelineView view) =>
        Append(view, Entry(e, e.Data.Attempt, e.Data.ScheduledAt, $"{e.Data.Reason} Attempt {e.Data.NextAttempt} at {e.Data.RetryAt:O}."));

    public static JobTimelineView Apply(IEvent<JobCancelRequested> e, JobTimelineView view) =>
        Append(view, Entry(e, e.Data.Attempt, e.Data.RequestedAt, $"by {e.Data.RequestedBy}{(e.Data.Reason is { } reason ? $": {reason}" : string.Empty)}"));

    public static JobTimelineView Apply(IEvent<JobCancelled> e, JobTimelineView view) =>
        Append(view, Entry(e, e.Data.Attempt, e.Data.FinishedAt, e.Data.Detail));

    /// <summary>Under the attempt the job was at, which a run again does not change.</summary>
    public static JobTimelineView Apply(IEvent<JobRerunSubmitted> e, JobTimelineView view) =>
        Append(view, Entry(e, view.Entries.Count > 0 ? view.Entries[^1].Attempt : 0, e.Data.RequestedAt, $"run again as {e.Data.RerunJobId} by {e.Data.RequestedBy}"));

    private static JobTimelineEntry Entry(IEvent e, int attempt, DateTimeOffset at, string? detail) =>
        new(e.Version, e.EventType.Name, attempt, at, detail);

    private static JobTimelineView Append(JobTimelineView view, JobTimelineEntry entry) =>
        view with { Entries = [.. view.Entries, entry] };
}

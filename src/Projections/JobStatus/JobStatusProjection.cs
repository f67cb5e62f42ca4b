using EventPlatform.Contracts.Jobs;
using Marten.Events.Aggregation;

namespace EventPlatform.Projections.JobStatus;

/// <summary>Inline, so a job is readable the moment the transaction that changed it commits.</summary>
public sealed class JobStatusProjection : SingleStreamProjection<JobStatusView, Guid>
{
    public const string ProjectionName = "JobStatus";

    public JobStatusProjection() => Name = ProjectionName;

    /// <summary>
    /// The same methods Marten calls, for one event at a time: rebuild, audit and the figures
    /// projections fold streams with this, so every reader agrees with the stored row.
    /// </summary>
    public static JobStatusView? Replay(JobStatusView? view, object data) => (view, data) switch
    {
        (null, JobSubmitted e) => Create(e),
        (null, _) => null,
        (_, JobQueued e) => Apply(e, view),
        (_, JobRetryScheduled e) => Apply(e, view),
        (_, JobLaunchRequested e) => Apply(e, view),
        (_, JobStarted e) => Apply(e, view),
        (_, JobSucceeded e) => Apply(e, view),
        (_, JobFailed e) => Apply(e, view),
        (_, JobTimedOut e) => Apply(e, view),
        (_, JobCancelRequested e) => Apply(e, view),
        (_, JobCancelled e) => Apply(e, view),
        _ => view,
    };

    public static JobStatusView Create(JobSubmitted e) => new()
    {
        Id = e.JobId,
        UserId = e.UserId,
        Spec = e.Spec,
        State = JobPhase.Queued,
        CreatedAt = e.SubmittedAt,
    };

    public static JobStatusView Apply(JobQueued e, JobStatusView view) =>
        view with { State = JobPhase.Queued, Attempt = e.Attempt, RetryAt = null };

    /// <summary>Back in line: the failure that caused the retry stays visible as the job's error until it ends.</summary>
    public static JobStatusView Apply(JobRetryScheduled e, JobStatusView view) =>
        view with { State = JobPhase.Queued, Error = e.Reason, RetryAt = e.RetryAt };

    public static JobStatusView Apply(JobLaunchRequested e, JobStatusView view) =>
        view with { State = JobPhase.Starting, Attempt = e.Attempt };

    public static JobStatusView Apply(JobStarted e, JobStatusView view) =>
        view with { State = JobPhase.Running, Attempt = e.Attempt, StartedAt = e.StartedAt };

    public static JobStatusView Apply(JobSucceeded e, JobStatusView view) =>
        view with { State = JobPhase.Succeeded, ExitCode = e.ExitCode, Error = null, FinishedAt = e.FinishedAt };

    public static JobStatusView Apply(JobFailed e, JobStatusView view) =>
        view with { State = JobPhase.Failed, ExitCode = e.ExitCode, Error = e.Reason, FinishedAt = e.FinishedAt };

    public static JobStatusView Apply(JobTimedOut e, JobStatusView view) => view with
    {
        State = JobPhase.TimedOut,
        Error = $"Job exceeded its timeout of {e.TimeoutSeconds} s.",
        FinishedAt = e.FinishedAt,
    };

    public static JobStatusView Apply(JobCancelRequested e, JobStatusView view) =>
        view with { CancelRequestedAt = e.RequestedAt };

    public static JobStatusView Apply(JobCancelled e, JobStatusView view) =>
        view with { State = JobPhase.Cancelled, Error = null, RetryAt = null, FinishedAt = e.FinishedAt };
}

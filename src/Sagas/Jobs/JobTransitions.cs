using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;

namespace EventPlatform.Sagas.Jobs;

/// <summary>
/// What each transition of <see cref="JobStateMachine"/> does to the job: the saga's fields, the
/// events it records and the timers it sets or cancels, all committed with the state by the repository.
/// </summary>
internal sealed class JobTransitions(JobLifecycleOptions settings, TimeProvider clock)
{
    /// <summary>The stop code launchers answer with for an attempt they do not know.</summary>
    private const string TaskLostStopCode = "TaskLost";

    /// <summary>The launcher is asked what became of the attempt; a second start deadline bounds the wait for its answer.</summary>
    public void AskLauncher(JobState job)
    {
        job.AskedLauncher = true;
        job.Timers.Cancel(job.StartDeadlineToken);
        var deadline = new JobStartDeadlineReached(job.CorrelationId, job.Attempt, Guid.CreateVersion7());
        job.StartDeadlineToken = job.Timers.Schedule(deadline, clock.GetUtcNow() + settings.ReconcileTimeout, deadline.TokenId);
    }

    public void Accept(JobState job, JobSubmitted submitted, Guid? conversationId)
    {
        job.EventCorrelationId = conversationId?.ToString("N");
        job.UserId = submitted.UserId;
        job.Spec = submitted.Spec;
        job.Attempt = 1;
        job.QueuedAt = submitted.SubmittedAt;

        // The API's recovery timer for a lost submission carries the job id as its token.
        job.Timers.Cancel(job.CorrelationId);
        job.Record(new JobQueued(job.CorrelationId, job.Attempt, clock.GetUtcNow()));
    }

    /// <summary>A submission its saga could not take ends the job at once; a cancel that waited for it is moot.</summary>
    public void Reject(JobState job, JobSubmissionRejected rejected, Guid? conversationId)
    {
        job.EventCorrelationId ??= conversationId?.ToString("N");
        job.Attempt = Math.Max(job.Attempt, 1);
        job.Timers.Cancel(job.CorrelationId);
        job.Record(new JobFailed(job.CorrelationId, job.Attempt, ExitCode: null, $"The submission could not be processed: {rejected.Reason}", clock.GetUtcNow()));
    }

    public void Requeue(JobState job, int attempt)
    {
        job.RetryToken = null;
        job.Attempt = attempt;
        job.TaskId = null;
        job.Record(new JobQueued(job.CorrelationId, attempt, clock.GetUtcNow()));
    }

    public void RequestLaunch(JobState job)
    {
        job.AskedLauncher = false;
        var now = clock.GetUtcNow();
        job.LaunchRequestedAt = now;
        job.StartedAt = null;
        job.Record(new JobLaunchRequested(job.CorrelationId, job.Attempt, now));
        var deadline = new JobStartDeadlineReached(job.CorrelationId, job.Attempt, Guid.CreateVersion7());
        job.StartDeadlineToken = job.Timers.Schedule(deadline, now + settings.StartTimeout, deadline.TokenId);
    }

    public void MarkRunning(JobState job, TaskStarted started)
    {
        job.Timers.Cancel(job.StartDeadlineToken);
        job.StartDeadlineToken = null;
        job.AskedLauncher = false;
        job.TaskId = started.TaskId;
        var startedAt = job.NoEarlierThanKnown(started.StartedAt);
        job.StartedAt = startedAt;
        job.Record(new JobStarted(job.CorrelationId, job.Attempt, started.TaskId, startedAt));

        // Counted from when the task says its command started (no earlier than the launch request), so a
        // backlog never grants a job extra time and a skewed clock never takes time away.
        var deadline = new JobRunDeadlineReached(job.CorrelationId, job.Attempt, Guid.CreateVersion7());
        var dueAt = startedAt + TimeSpan.FromSeconds(job.Spec!.TimeoutSeconds) + settings.RunDeadlineGrace;
        job.RunDeadlineToken = job.Timers.Schedule(deadline, dueAt, deadline.TokenId);
    }

    public void NoteFailure(JobState job, TaskVerdict verdict, TaskStopped stopped)
    {
        // Its start may not have been seen; remembering it keeps a late start from looking unwanted.
        job.TaskId = stopped.TaskId;
        if (job.AskedLauncher && stopped.StopCode == TaskLostStopCode)
        {
            // The launcher knows nothing of the attempt: why it was asked is the better reason.
            return;
        }

        job.LastFailure = verdict.Reason;
        job.LastFailureCause = verdict.Cause;
        job.LastExitCode = verdict.ExitCode;
        job.LastFailureAt = job.NoEarlierThanKnown(stopped.StoppedAt);
    }

    public void NoteFailure(JobState job, string reason, string cause)
    {
        job.LastFailure = reason;
        job.LastFailureCause = cause;
        job.LastExitCode = null;
        job.LastFailureAt = clock.GetUtcNow();
    }

    public void ScheduleRetry(JobState job)
    {
        job.CancelTimers();
        job.LeaveAdmission();
        var now = clock.GetUtcNow();
        var retryAt = now + RetryBackoff.After(job.Attempt, settings, Random.Shared);
        var due = new JobRetryDue(job.CorrelationId, job.Attempt + 1, Guid.CreateVersion7());
        job.RetryToken = job.Timers.Schedule(due, retryAt, due.TokenId);
        job.Record(new JobRetryScheduled(job.CorrelationId, job.Attempt, job.Attempt + 1, job.LastFailure!, retryAt, now));
    }

    public void Fail(JobState job)
    {
        job.CancelTimers();
        job.LeaveAdmission();
        var reason = job.Attempt > 1 ? $"{job.LastFailure} (attempt {job.Attempt} of {job.Spec!.MaxAttempts})" : job.LastFailure!;
        job.Record(new JobFailed(job.CorrelationId, job.Attempt, job.LastExitCode, reason, job.LastFailureAt ?? clock.GetUtcNow()));
    }

    public void Succeed(JobState job, TaskStopped stopped)
    {
        job.TaskId = stopped.TaskId;
        job.CancelTimers();
        job.LeaveAdmission();
        job.Record(new JobSucceeded(job.CorrelationId, job.Attempt, 0, job.NoEarlierThanKnown(stopped.StoppedAt)));
    }

    public void TimeOut(JobState job)
    {
        job.CancelTimers();
        job.LeaveAdmission();
        job.Record(new JobTimedOut(job.CorrelationId, job.Attempt, job.Spec!.TimeoutSeconds, clock.GetUtcNow()));
    }

    public void CancelWhileQueued(JobState job, CancelJob cancel)
    {
        // An earlier attempt was launched if this one is not the first, or is waiting out its retry.
        var launchedBefore = job.Attempt > 1 || job.RetryToken is not null;
        job.CancelTimers();
        job.LeaveAdmission();
        var now = clock.GetUtcNow();
        job.Record(new JobCancelRequested(job.CorrelationId, job.Attempt, cancel.RequestedBy, cancel.Reason, now));
        job.Record(new JobCancelled(
            job.CorrelationId, job.Attempt, launchedBefore ? "Cancelled before it was launched again." : "Cancelled before it was launched.", now));
    }

    public void RequestStop(JobState job, CancelJob cancel)
    {
        job.CancelTimers();
        var now = clock.GetUtcNow();
        job.Record(new JobCancelRequested(job.CorrelationId, job.Attempt, cancel.RequestedBy, cancel.Reason, now));
        var deadline = new JobStopDeadlineReached(job.CorrelationId, job.Attempt, Guid.CreateVersion7());
        job.StopDeadlineToken = job.Timers.Schedule(deadline, now + settings.StopTimeout, deadline.TokenId);
    }

    public void EndCancelled(JobState job, string detail, DateTimeOffset at)
    {
        job.CancelTimers();
        job.LeaveAdmission();
        job.Record(new JobCancelled(job.CorrelationId, job.Attempt, detail, at));
    }
}

using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Telemetry;
using MassTransit;
using Microsoft.Extensions.Options;

namespace EventPlatform.Sagas.Jobs;

/// <summary>
/// Owns each job's life: Queued → Starting → Running → Succeeded | Failed | TimedOut | Cancelled,
/// with retryable failures going back to Queued after a back-off. Every transition records its
/// domain events and durable timers on the saga; the repository commits them with the state.
/// Task events and timers name the attempt (and timers their token) they belong to, so anything
/// late, repeated or from another attempt is ignored instead of causing a second outcome.
/// </summary>
public sealed class JobStateMachine : MassTransitStateMachine<JobState>
{
    private readonly JobLifecycleOptions settings;
    private readonly JobTransitions transitions;

    public JobStateMachine(IOptions<JobLifecycleOptions> options, TimeProvider clock)
    {
        settings = options.Value;
        transitions = new JobTransitions(settings, clock);

        InstanceState(x => x.CurrentState);

        Event(() => Submitted, x => x.CorrelateById(m => m.Message.JobId));
        // A cancel may overtake its job's submission; it then waits for it (CancelPending).
        Event(() => CancelRequested, x => x.CorrelateById(m => m.Message.JobId));
        Event(() => SubmissionRejected, x => x.CorrelateById(m => m.Message.JobId));
        Event(() => TaskStarted, x => ForExistingJob(x, m => m.JobId));
        Event(() => TaskStopped, x => ForExistingJob(x, m => m.JobId));
        Event(() => LaunchFailed, x => ForExistingJob(x, m => m.JobId));
        Event(() => StartDeadline, x => ForExistingJob(x, m => m.JobId));
        Event(() => RunDeadline, x => ForExistingJob(x, m => m.JobId));
        Event(() => StopDeadline, x => ForExistingJob(x, m => m.JobId));
        Event(() => RetryDue, x => ForExistingJob(x, m => m.JobId));
        Event(() => Admitted, x => ForExistingJob(x, m => m.JobId));

        Initially(
            When(Submitted)
                .Then(context => transitions.Accept(context.Saga, context.Message, context.ConversationId))
                .Then(context => context.Saga.JoinLine())
                .TransitionTo(Queued),
            When(CancelRequested)
                .Then(context => context.Saga.PendingCancel = context.Message)
                .TransitionTo(CancelPending),
            When(SubmissionRejected)
                .Then(context => transitions.Reject(context.Saga, context.Message, context.ConversationId))
                .TransitionTo(Failed));

        During(CancelPending,
            When(Submitted)
                .Then(context => transitions.Accept(context.Saga, context.Message, context.ConversationId))
                .Then(context => transitions.CancelWhileQueued(context.Saga, context.Saga.PendingCancel!))
                .TransitionTo(Cancelled),
            When(SubmissionRejected)
                .Then(context => transitions.Reject(context.Saga, context.Message, context.ConversationId))
                .TransitionTo(Failed));

        // Queued is two waits: for a slot (RetryToken null), or for a retry's back-off to end.
        During(Queued,
            When(Admitted, context => IsCurrent(context.Saga, context.Message.Attempt) && context.Saga.RetryToken is null)
                .Then(context => context.Saga.TakeUpAdmission())
                .Then(context => transitions.RequestLaunch(context.Saga))
                .Publish(context => Launch(context.Saga))
                .TransitionTo(Starting),
            When(RetryDue, context => context.Message.TokenId == context.Saga.RetryToken)
                .Then(context => transitions.Requeue(context.Saga, context.Message.NextAttempt))
                .Then(context => context.Saga.JoinLine()),
            When(CancelRequested)
                .Then(context => transitions.CancelWhileQueued(context.Saga, context.Message))
                .TransitionTo(Cancelled));

        // Before an attempt that did not start in time, or whose launch failed, is launched again, the
        // launcher is asked what became of it: running → adopted, stopped → that outcome, unknown → lost
        // (and refused should it come late). No answer within the reconcile timeout counts as lost.
        During(Starting,
            When(TaskStarted, context => IsCurrent(context.Saga, context.Message.Attempt))
                .Then(context => transitions.MarkRunning(context.Saga, context.Message))
                .TransitionTo(Running),
            When(StartDeadline, context => context.Message.TokenId == context.Saga.StartDeadlineToken && !context.Saga.AskedLauncher)
                .Then(context => transitions.NoteFailure(context.Saga, $"The task did not start within {Seconds(settings.StartTimeout)} s.", FailureCauses.StartTimeout))
                .Then(context => transitions.AskLauncher(context.Saga))
                .Publish(context => AskWhatBecameOf(context.Saga)),
            When(StartDeadline, context => context.Message.TokenId == context.Saga.StartDeadlineToken && context.Saga.AskedLauncher)
                .Publish(context => new StopTask(
                    context.Saga.CorrelationId, context.Saga.Attempt, TaskId: null, "The task did not start in time."))
                .IfElse(context => HasAttemptsLeft(context.Saga), Retry, GiveUp),
            When(LaunchFailed, context => IsCurrent(context.Saga, context.Message.Attempt) && context.Message.Retryable && !context.Saga.AskedLauncher)
                .Then(context => transitions.NoteFailure(context.Saga, $"The task could not be launched: {context.Message.Reason}", FailureCauses.LaunchFailed))
                .Then(context => transitions.AskLauncher(context.Saga))
                .Publish(context => AskWhatBecameOf(context.Saga)),
            When(LaunchFailed, context => IsCurrent(context.Saga, context.Message.Attempt) && !context.Message.Retryable)
                .Then(context => transitions.NoteFailure(context.Saga, $"The task could not be launched: {context.Message.Reason}", FailureCauses.LaunchFailed))
                .Then(context => transitions.Fail(context.Saga))
                .TransitionTo(Failed));

        During(Starting, Running,
            When(TaskStopped, context => IsOfTheJobsTask(context.Saga, context.Message) && Verdict(context) == TaskVerdictKind.Succeeded)
                .Then(context => transitions.Succeed(context.Saga, context.Message))
                .TransitionTo(Succeeded),
            When(TaskStopped, context => IsOfTheJobsTask(context.Saga, context.Message) && Verdict(context) != TaskVerdictKind.Succeeded)
                .Then(context => transitions.NoteFailure(context.Saga, TaskVerdict.Of(context.Message, context.Saga.Spec!, settings), context.Message))
                .IfElse(
                    context => Verdict(context) == TaskVerdictKind.Retryable && HasAttemptsLeft(context.Saga),
                    Retry,
                    GiveUp),
            When(CancelRequested)
                .Then(context => transitions.RequestStop(context.Saga, context.Message))
                .Publish(context => new StopTask(
                    context.Saga.CorrelationId, context.Saga.Attempt, context.Saga.TaskId, $"Cancelled by {context.Message.RequestedBy}."))
                .TransitionTo(Cancelling));

        During(Running,
            When(RunDeadline, context => context.Message.TokenId == context.Saga.RunDeadlineToken)
                .Then(context => transitions.TimeOut(context.Saga))
                .Publish(context => new StopTask(
                    context.Saga.CorrelationId,
                    context.Saga.Attempt,
                    context.Saga.TaskId,
                    $"Job exceeded its timeout of {context.Saga.Spec!.TimeoutSeconds} s."))
                .TransitionTo(TimedOut));

        During(Cancelling,
            When(TaskStopped, context => IsOfTheJobsTask(context.Saga, context.Message))
                .Then(context => transitions.EndCancelled(context.Saga, "The task stopped.", context.Saga.NoEarlierThanKnown(context.Message.StoppedAt)))
                .TransitionTo(Cancelled),
            When(LaunchFailed, context => IsCurrent(context.Saga, context.Message.Attempt))
                .Then(context => transitions.EndCancelled(context.Saga, "The task was never launched.", clock.GetUtcNow()))
                .TransitionTo(Cancelled),
            When(StopDeadline, context => context.Message.TokenId == context.Saga.StopDeadlineToken)
                .Then(context => transitions.EndCancelled(
                    context.Saga, $"The task did not confirm its stop within {Seconds(settings.StopTimeout)} s.", clock.GetUtcNow()))
                .TransitionTo(Cancelled));

        // An admission that arrives after the job ended raced its end: the slot it took is stale.
        During(Succeeded, Failed, TimedOut, Cancelled,
            When(Admitted)
                .Then(context => context.Saga.LeaveAdmission()));

        // A task that reports running but is not (or no longer) the job's running task: another
        // attempt's, one started after a cancel or a start deadline, one after the end. Its earlier
        // stop request may have found nothing to stop; this one names it.
        DuringAny(
            When(TaskStarted, context => IsUnwanted(context))
                .Publish(context => new StopTask(
                    context.Message.JobId, context.Message.Attempt, context.Message.TaskId, "The job no longer wants this task.")));

        DuringAny(
            Ignore(Submitted),
            Ignore(SubmissionRejected),
            Ignore(CancelRequested),
            Ignore(TaskStopped),
            Ignore(LaunchFailed),
            Ignore(StartDeadline),
            Ignore(RunDeadline),
            Ignore(StopDeadline),
            Ignore(RetryDue),
            Ignore(Admitted));
    }

    public State CancelPending { get; private set; } = null!;
    public State Queued { get; private set; } = null!;
    public State Starting { get; private set; } = null!;
    public State Running { get; private set; } = null!;
    public State Cancelling { get; private set; } = null!;
    public State Succeeded { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State TimedOut { get; private set; } = null!;
    public State Cancelled { get; private set; } = null!;

    public Event<JobSubmitted> Submitted { get; private set; } = null!;
    public Event<CancelJob> CancelRequested { get; private set; } = null!;
    public Event<JobSubmissionRejected> SubmissionRejected { get; private set; } = null!;
    public Event<TaskStarted> TaskStarted { get; private set; } = null!;
    public Event<TaskStopped> TaskStopped { get; private set; } = null!;
    public Event<TaskLaunchFailed> LaunchFailed { get; private set; } = null!;
    public Event<JobStartDeadlineReached> StartDeadline { get; private set; } = null!;
    public Event<JobRunDeadlineReached> RunDeadline { get; private set; } = null!;
    public Event<JobStopDeadlineReached> StopDeadline { get; private set; } = null!;
    public Event<JobRetryDue> RetryDue { get; private set; } = null!;
    public Event<JobAdmitted> Admitted { get; private set; } = null!;

    private static void ForExistingJob<T>(IEventCorrelationConfigurator<JobState, T> correlation, Func<T, Guid> jobId)
        where T : class
    {
        correlation.CorrelateById(m => jobId(m.Message));
        correlation.OnMissingInstance(m => m.Discard());
    }

    private static bool IsCurrent(JobState job, int attempt) => job.Attempt == attempt;

    /// <summary>
    /// The current attempt's task, or one of it where either side does not know a task: a second task of
    /// the same attempt (a launch delivered again after its launcher restarted) is stopped as unwanted,
    /// and its stop must not end the job whose task still runs.
    /// </summary>
    private static bool IsOfTheJobsTask(JobState job, TaskStopped stopped) =>
        IsCurrent(job, stopped.Attempt)
        && (string.IsNullOrEmpty(job.TaskId) || string.IsNullOrEmpty(stopped.TaskId) || job.TaskId == stopped.TaskId);

    /// <summary>Decided on the state before this message: the start that makes a job Running is wanted.</summary>
    private bool IsUnwanted(BehaviorContext<JobState, TaskStarted> context) =>
        context.Saga.TaskId != context.Message.TaskId
        && !(context.Saga.CurrentState == Starting.Name && IsCurrent(context.Saga, context.Message.Attempt));

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private static bool HasAttemptsLeft(JobState job) => job.Attempt < job.Spec!.MaxAttempts;

    private static ReconcileTask AskWhatBecameOf(JobState job) =>
        new(job.CorrelationId, job.Attempt, TaskId: null) { RelaunchIfUnknown = true };

    private static LaunchTask Launch(JobState job) => new(job.CorrelationId, job.Attempt, job.Spec!)
    {
        CorrelationId = JobState.ConversationOf(job.EventCorrelationId),
        TraceParent = JobTrace.Follow(job.TraceParent, System.Diagnostics.Activity.Current),
    };

    private TaskVerdictKind Verdict(BehaviorContext<JobState, TaskStopped> context) =>
        TaskVerdict.Of(context.Message, context.Saga.Spec!, settings).Kind;

    private EventActivityBinder<JobState, T> Retry<T>(EventActivityBinder<JobState, T> binder)
        where T : class =>
        binder.Then(context => transitions.ScheduleRetry(context.Saga)).TransitionTo(Queued);

    private EventActivityBinder<JobState, T> GiveUp<T>(EventActivityBinder<JobState, T> binder)
        where T : class =>
        binder.Then(context => transitions.Fail(context.Saga)).TransitionTo(Failed);
}

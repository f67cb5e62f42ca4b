using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using MassTransit;
using Microsoft.Extensions.Options;

namespace EventPlatform.Sagas.Jobs;

/// <summary>
/// Owns each job's life: Starting → Running → Succeeded | Failed | TimedOut. Every transition
/// records its domain events on the saga; the repository commits them with the state.
/// Task events carry the attempt they belong to, so a late event of another attempt, a
/// duplicate, or anything after the end is ignored rather than causing a second outcome.
/// </summary>
public sealed class JobStateMachine : MassTransitStateMachine<JobState>
{
    public JobStateMachine(IOptions<JobLifecycleOptions> options, TimeProvider clock)
    {
        var grace = options.Value.RunDeadlineGrace;

        InstanceState(x => x.CurrentState);

        Event(() => Submitted, x => x.CorrelateById(m => m.Message.JobId));
        Event(() => TaskStarted, x =>
        {
            x.CorrelateById(m => m.Message.JobId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => TaskStopped, x =>
        {
            x.CorrelateById(m => m.Message.JobId);
            x.OnMissingInstance(m => m.Discard());
        });
        Schedule(() => RunDeadline, x => x.RunDeadlineTokenId, s =>
        {
            s.Received = r =>
            {
                r.CorrelateById(m => m.Message.JobId);
                r.OnMissingInstance(m => m.Discard());
            };
        });

        Initially(
            When(Submitted)
                .Then(context =>
                {
                    var job = context.Saga;
                    var now = clock.GetUtcNow();
                    job.EventCorrelationId = context.ConversationId?.ToString("N");
                    job.UserId = context.Message.UserId;
                    job.Spec = context.Message.Spec;
                    job.Attempt = 1;
                    job.Record(new JobQueued(job.CorrelationId, job.Attempt, now));
                    job.Record(new JobLaunchRequested(job.CorrelationId, job.Attempt, now));
                })
                .Publish(context => new LaunchTask(context.Saga.CorrelationId, context.Saga.Attempt, context.Saga.Spec!))
                .TransitionTo(Starting));

        During(Starting,
            When(TaskStarted, context => IsCurrentAttempt(context.Saga, context.Message.Attempt))
                .Then(context =>
                {
                    context.Saga.TaskId = context.Message.TaskId;
                    context.Saga.Record(new JobStarted(
                        context.Saga.CorrelationId, context.Saga.Attempt, context.Message.TaskId, context.Message.StartedAt));
                })
                .Schedule(RunDeadline,
                    context => new JobRunDeadlineReached(context.Saga.CorrelationId, context.Saga.Attempt),
                    context => RunDeadlineDelay(context.Saga.Spec!, context.Message.StartedAt, grace, clock))
                .TransitionTo(Running));

        During(Starting, Running,
            When(TaskStopped, context => IsCurrentAttempt(context.Saga, context.Message.Attempt) && context.Message.ExitCode == 0)
                .Then(context => context.Saga.Record(new JobSucceeded(
                    context.Saga.CorrelationId, context.Saga.Attempt, 0, context.Message.StoppedAt)))
                .Unschedule(RunDeadline)
                .TransitionTo(Succeeded),
            When(TaskStopped, context => IsCurrentAttempt(context.Saga, context.Message.Attempt) && context.Message.ExitCode != 0)
                .Then(context => context.Saga.Record(new JobFailed(
                    context.Saga.CorrelationId,
                    context.Saga.Attempt,
                    context.Message.ExitCode,
                    DescribeFailure(context.Message),
                    context.Message.StoppedAt)))
                .Unschedule(RunDeadline)
                .TransitionTo(Failed));

        During(Running,
            When(RunDeadline.Received, context => IsCurrentAttempt(context.Saga, context.Message.Attempt))
                .Then(context => context.Saga.Record(new JobTimedOut(
                    context.Saga.CorrelationId, context.Saga.Attempt, context.Saga.Spec!.TimeoutSeconds, clock.GetUtcNow())))
                .Publish(context => new StopTask(
                    context.Saga.CorrelationId,
                    context.Saga.Attempt,
                    context.Saga.TaskId,
                    $"Job exceeded its timeout of {context.Saga.Spec!.TimeoutSeconds} s"))
                .TransitionTo(TimedOut));

        DuringAny(
            Ignore(Submitted),
            Ignore(TaskStarted),
            Ignore(TaskStopped),
            Ignore(RunDeadline.Received));
    }

    public State Starting { get; private set; } = null!;
    public State Running { get; private set; } = null!;
    public State Succeeded { get; private set; } = null!;
    public State Failed { get; private set; } = null!;
    public State TimedOut { get; private set; } = null!;

    public Event<JobSubmitted> Submitted { get; private set; } = null!;
    public Event<TaskStarted> TaskStarted { get; private set; } = null!;
    public Event<TaskStopped> TaskStopped { get; private set; } = null!;

    public Schedule<JobState, JobRunDeadlineReached> RunDeadline { get; private set; } = null!;

    private static bool IsCurrentAttempt(JobState job, int attempt) => job.Attempt == attempt;

    /// <summary>
    /// Counted from when the task reports it started, not from when the saga heard of it, so a
    /// backlog of messages never grants a job extra time.
    /// </summary>
    private static TimeSpan RunDeadlineDelay(JobSpec spec, DateTimeOffset startedAt, TimeSpan grace, TimeProvider clock)
    {
        var remaining = startedAt + TimeSpan.FromSeconds(spec.TimeoutSeconds) + grace - clock.GetUtcNow();
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    private static string DescribeFailure(TaskStopped stopped) => (stopped.ExitCode, stopped.Reason) switch
    {
        ({ } code, _) => $"Command exited with code {code}.",
        (null, { Length: > 0 } reason) => $"Task stopped before the command ran ({stopped.StopCode}): {reason}",
        _ => $"Task stopped before the command ran ({stopped.StopCode}).",
    };
}

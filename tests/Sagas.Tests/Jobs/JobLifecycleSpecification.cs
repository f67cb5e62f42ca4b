using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Jobs;
using EventPlatform.Sagas.Scheduling;
using EventPlatform.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using JobStateMachine = EventPlatform.Sagas.Jobs.JobStateMachine;

namespace EventPlatform.Sagas.Tests.Jobs;

/// <summary>
/// One scenario per harness: every test gets a fresh service provider, bus and saga repository.
/// Derived fixtures bring the job to their scenario in their own [SetUp], which runs after this one:
/// Given steps, then the When step under test. Each step waits until the saga consumed its message and
/// checks the state it leaves the job in, so that every test of a fixture starts from there and asserts
/// only its own point.
/// A job launches only once the admission controller (not part of the harness) gives its attempt a
/// slot: the Given steps publish the <see cref="JobAdmitted"/> it would.
/// </summary>
public abstract class JobLifecycleSpecification
{
    protected const string UserId = "alice";
    protected const string TaskId = "arn:aws:ecs:eu-west-1:123456789012:task/jobs/5f0c2a9e7d4b4c1a";

    /// <summary>The saga's reason for <see cref="FailedToStart"/>.</summary>
    protected const string FailedToStartReason =
        "The task stopped before the command ended (TaskFailedToStart): CannotPullContainerError: image not found.";

    protected static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    /// <summary>When the API accepted the job: before the saga's clock, so the place in line it keeps can be told apart.</summary>
    protected static readonly DateTimeOffset SubmittedAt = Now.AddSeconds(-3);

    protected static readonly DateTimeOffset StartedAt = Now.AddSeconds(4);
    protected static readonly DateTimeOffset StoppedAt = Now.AddSeconds(42);

    /// <summary>Small lifecycle settings, so reasons name them and back-off windows can be checked exactly.</summary>
    protected static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long the launcher has to say what became of an attempt the saga asks about.</summary>
    protected static readonly TimeSpan ReconcileTimeout = TimeSpan.FromSeconds(20);
    protected static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    protected static readonly TimeSpan RetryBackoffBase = TimeSpan.FromSeconds(1);
    protected static readonly TimeSpan RetryBackoffMax = TimeSpan.FromSeconds(10);

    private readonly HashSet<Guid> firedTimers = [];
    private readonly List<object> committedEvents = [];
    private List<ScheduledDelivery> committedTimers = [];
    private ServiceProvider provider = null!;

    protected ITestHarness Harness { get; private set; } = null!;

    protected ISagaStateMachineTestHarness<JobStateMachine, JobState> SagaHarness { get; private set; } = null!;

    protected Guid JobId { get; private set; }

    /// <summary>Long enough that the run deadline is never due unless a scenario asks for it.</summary>
    protected virtual int TimeoutSeconds => 600;

    protected virtual int MaxAttempts => JobSpec.DefaultMaxAttempts;

    protected virtual IReadOnlyList<int> RetryOnExitCodes => [];

    protected virtual TimeSpan RunDeadlineGrace => TimeSpan.Zero;

    /// <summary>
    /// When the task reports it started. The run deadline counts from it, not from the saga's clock,
    /// which stands still at <see cref="Now"/>.
    /// </summary>
    protected virtual DateTimeOffset TaskStartedAt => StartedAt;

    protected JobSpec Spec => new(
        ["python", "train.py", "--epochs", "3"],
        TimeoutSeconds,
        JobPriority.High,
        new Dictionary<string, string> { ["STAGE"] = "test" })
    {
        MaxAttempts = MaxAttempts,
        RetryOnExitCodes = RetryOnExitCodes,
    };

    /// <summary>The saga instance of this test's job; the in-memory repository hands out the live object.</summary>
    protected JobState Job => SagaHarness.Sagas.Contains(JobId)
        ?? throw new AssertionException($"No saga instance exists for job {JobId}.");

    /// <summary>Everything the job recorded, in order: what the Given steps committed, then what the step under test recorded.</summary>
    protected IReadOnlyList<object> Recorded => [.. committedEvents, .. Job.UncommittedEvents];

    protected IReadOnlyList<Type> RecordedEventTypes => [.. Recorded.Select(x => x.GetType())];

    protected IReadOnlyList<object> TerminalEvents =>
        [.. Recorded.Where(x => x is JobSucceeded or JobFailed or JobTimedOut or JobCancelled)];

    /// <summary>
    /// Timers set and not cancelled, less those the test fired itself: what the dispatcher would
    /// still deliver (it deletes a timer once delivered).
    /// </summary>
    protected IReadOnlyList<ScheduledDelivery> PendingTimers =>
        [.. committedTimers.Where(x => !Job.Timers.Cancelled.Contains(x.TokenId)).Concat(Job.Timers.Added).Where(x => !firedTimers.Contains(x.TokenId))];

    [SetUp]
    public async Task Start_a_fresh_harness()
    {
        // NUnit runs every test of a fixture on the same instance.
        firedTimers.Clear();
        committedEvents.Clear();
        committedTimers = [];

        provider = new ServiceCollection()
            .AddJobLifecycleTestHarness(new FixedClock(Now), options =>
            {
                options.RunDeadlineGrace = RunDeadlineGrace;
                options.StartTimeout = StartTimeout;
                options.ReconcileTimeout = ReconcileTimeout;
                options.StopTimeout = StopTimeout;
                options.RetryBackoffBase = RetryBackoffBase;
                options.RetryBackoffMax = RetryBackoffMax;
            })
            .BuildServiceProvider(validateScopes: true);

        Harness = provider.GetRequiredService<ITestHarness>();
        await Harness.Start();

        SagaHarness = Harness.GetSagaStateMachineHarness<JobStateMachine, JobState>();
        JobId = Guid.CreateVersion7();
    }

    [TearDown]
    public async Task Dispose_the_harness() => await provider.DisposeAsync();

    /// <summary>Each attempt runs in a task of its own.</summary>
    protected static string TaskIdOf(int attempt) => attempt == 1 ? TaskId : $"{TaskId}-{attempt}";

    protected JobSubmitted Submitted() => new(JobId, UserId, Spec, SubmittedAt);

    /// <summary>What the admission controller publishes once it gave the attempt a slot.</summary>
    protected JobAdmitted Admitted(int attempt = 1) => new(JobId, attempt);

    protected TaskStarted Started(int attempt = 1) => new(JobId, attempt, TaskIdOf(attempt), TaskStartedAt);

    protected TaskStopped Stopped(
        int? exitCode,
        int attempt = 1,
        string stopCode = "EssentialContainerExited",
        string? reason = "Essential container in task exited") =>
        new(JobId, attempt, TaskIdOf(attempt), exitCode, stopCode, reason, StoppedAt);

    protected TaskStopped FailedToStart(int attempt = 1) =>
        Stopped(exitCode: null, attempt, stopCode: "TaskFailedToStart", reason: "CannotPullContainerError: image not found");

    protected TaskLaunchFailed LaunchFailed(int attempt = 1, bool retryable = true, string reason = "ThrottlingException: Rate exceeded") =>
        new(JobId, attempt, reason, retryable);

    /// <summary>The launcher's answer about an attempt it never ran (or forgot), which it now refuses to start.</summary>
    protected TaskStopped LauncherKnowsNothingOf(int attempt = 1) =>
        new(JobId, attempt, string.Empty, ExitCode: null, "TaskLost", "The launcher knows no task of this attempt.", Now);

    /// <summary>What the saga asks the launcher before it launches an attempt again.</summary>
    protected ReconcileTask WhatBecameOf(int attempt = 1) => new(JobId, attempt, TaskId: null) { RelaunchIfUnknown = true };

    protected CancelJob Cancel() => new(JobId, UserId, "No longer needed");

    protected Task Publish<T>(T message)
        where T : class => Harness.Bus.Publish(message);

    /// <summary>
    /// A step of the Given part: the saga consumes the message and, if named, the job is in that state. The
    /// transition is then committed, so <see cref="JobState.Admission"/> shows what the step under test did.
    /// </summary>
    protected async Task Given<T>(T message, Func<JobStateMachine, State>? theJobIs = null)
        where T : class
    {
        await TakeStep("Given", [message], theJobIs);
        CommitTheTransition();
    }

    /// <summary>
    /// The step under test: the saga consumes the message and, if named, the job is in that state. Its
    /// transition stays uncommitted, for the tests to read what it recorded, set and changed.
    /// </summary>
    protected Task When<T>(T message, Func<JobStateMachine, State>? theJobIs = null)
        where T : class => TakeStep("When", [message], theJobIs);

    /// <summary>
    /// The step under test, its message delivered twice. Both are published before the saga is waited
    /// for, so the copy can arrive while the first is handled, as a redelivery may.
    /// </summary>
    protected Task WhenDeliveredTwice<T>(T message, Func<JobStateMachine, State> theJobIs)
        where T : class => TakeStep("When", [message, message], theJobIs);

    /// <summary>The single pending timer whose message is a <typeparamref name="T"/>.</summary>
    protected ScheduledDelivery PendingTimer<T>()
    {
        var timers = PendingTimers.Where(x => x.Message is T).ToList();
        Assert.That(timers, Has.Count.EqualTo(1), $"One pending {typeof(T).Name} timer");
        return timers[0];
    }

    /// <summary>The message of the single pending <typeparamref name="T"/> timer, kept to be delivered late.</summary>
    protected T PendingTimerMessage<T>()
        where T : class => (T)PendingTimer<T>().Message;

    /// <summary>
    /// A timer falling due: its message, for the test to publish as the dispatcher would. The dispatcher
    /// deletes a timer it delivered, so it no longer counts as pending.
    /// </summary>
    protected T FallDue<T>()
        where T : class
    {
        var timer = PendingTimer<T>();
        firedTimers.Add(timer.TokenId);
        return (T)timer.Message;
    }

    /// <summary>Attempt 1 waits in line for a slot.</summary>
    protected Task GivenAQueuedJob() => Given(Submitted(), theJobIs: x => x.Queued);

    protected async Task GivenAStartingJob()
    {
        await GivenAQueuedJob();
        await Given(Admitted(attempt: 1), theJobIs: x => x.Starting);
    }

    protected async Task GivenARunningJob()
    {
        await GivenAStartingJob();
        await Given(Started(), theJobIs: x => x.Running);
    }

    /// <summary>Attempt 1 failed to start; attempt 2 waits for its back-off.</summary>
    protected async Task GivenAJobQueuedForAttempt2()
    {
        await GivenAStartingJob();
        await Given(FailedToStart(attempt: 1), theJobIs: x => x.Queued);
    }

    /// <summary>The back-off of attempt 2 ended; attempt 2 waits in line for a slot.</summary>
    protected async Task GivenAttempt2WaitingForASlot()
    {
        await GivenAJobQueuedForAttempt2();
        await Given(FallDue<JobRetryDue>(), theJobIs: x => x.Queued);
        Assert.That(Job.Attempt, Is.EqualTo(2), "Given: attempt 2 waits for a slot");
    }

    protected async Task GivenAttempt2Starting()
    {
        await GivenAttempt2WaitingForASlot();
        await Given(Admitted(attempt: 2), theJobIs: x => x.Starting);
    }

    protected async Task GivenAttempt2Running()
    {
        await GivenAttempt2Starting();
        await Given(Started(attempt: 2), theJobIs: x => x.Running);
    }

    /// <summary>The pending retry falls due, the next attempt joins the line and is given a slot.</summary>
    protected async Task GivenTheNextAttemptIsDueAndAdmitted()
    {
        await Given(FallDue<JobRetryDue>(), theJobIs: x => x.Queued);
        await Given(Admitted(Job.Attempt), theJobIs: x => x.Starting);
    }

    /// <summary>Waits until the saga has consumed <paramref name="times"/> messages of this type without a fault.</summary>
    protected Task<bool> ConsumedBySaga<T>(int times = 1)
        where T : class =>
        Eventually(() => ConsumedCount<T>() >= times);

    /// <summary>Waits until the bus has consumed a message of this type without a fault, whoever consumed it.</summary>
    protected Task<bool> ConsumedByBus<T>(Func<T, bool> filter)
        where T : class =>
        Eventually(() => Harness.Consumed.Select<T>(AlreadyCancelled).Any(x => x.Exception is null && filter(x.Context.Message)));

    /// <summary>
    /// What was published until now, without waiting: the saga publishes before its consume completes,
    /// so once the triggering message is consumed, anything it would publish is already here.
    /// </summary>
    protected IReadOnlyList<T> PublishedSoFar<T>()
        where T : class =>
        [.. Harness.Published.Select<T>(AlreadyCancelled).Select(x => x.Context.Message)];

    protected IReadOnlyList<(Guid JobId, int Attempt)> LaunchesSoFar =>
        [.. PublishedSoFar<LaunchTask>().Select(x => (x.JobId, x.Attempt))];

    protected T RecordedSingle<T>() => Recorded.OfType<T>().Single();

    /// <summary>A job that has ended holds no timer: the four tokens are cleared and nothing is left to deliver.</summary>
    protected void AssertTheJobHoldsNoTimers()
    {
        Assert.That(
            new[] { Job.StartDeadlineToken, Job.RunDeadlineToken, Job.StopDeadlineToken, Job.RetryToken },
            Is.All.Null,
            "Start, run, stop and retry tokens");
        Assert.That(PendingTimers, Is.Empty, "Pending timers");
    }

    /// <summary>
    /// A cancelled token makes the harness lists return what they hold now instead of waiting. Their own
    /// waits end for good at the first inactivity timeout.
    /// </summary>
    protected static CancellationToken AlreadyCancelled => new(canceled: true);

    private int ConsumedCount<T>()
        where T : class =>
        SagaHarness.Consumed.Select<T>(AlreadyCancelled).Count(x => x.Exception is null);

    /// <summary>
    /// Every Given and When step goes through here: publishes the messages, waits until the saga consumed
    /// each of them without a fault and, if the step names a state, checks the job is in it.
    /// </summary>
    private async Task TakeStep<T>(string step, IReadOnlyList<T> messages, Func<JobStateMachine, State>? theJobIs)
        where T : class
    {
        var before = ConsumedCount<T>();
        foreach (var message in messages)
        {
            await Publish(message);
        }

        Assert.That(await ConsumedBySaga<T>(before + messages.Count), Is.True, $"{step}: the saga consumes {typeof(T).Name}");
        if (theJobIs is not null)
        {
            Assert.That(
                await SagaHarness.Exists(JobId, theJobIs),
                Is.EqualTo(JobId),
                $"{step}: the job is {theJobIs(SagaHarness.StateMachine).Name} once the saga consumed {typeof(T).Name}");
        }
    }

    /// <summary>
    /// What the Marten repository does once it committed a transition, which the in-memory one never
    /// does: the saga forgets the transition's events, timer changes and admission change. The test
    /// keeps the events and timers, so <see cref="Recorded"/> and <see cref="PendingTimers"/> still tell
    /// the whole story, while <see cref="JobState.Admission"/> only shows the latest transition's change.
    /// </summary>
    private void CommitTheTransition()
    {
        if (SagaHarness.Sagas.Contains(JobId) is not { } job)
        {
            return;
        }

        committedEvents.AddRange(job.UncommittedEvents);
        committedTimers = [.. committedTimers.Where(x => !job.Timers.Cancelled.Contains(x.TokenId)), .. job.Timers.Added];
        job.MarkCommitted();
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var giveUpAt = DateTime.UtcNow + JobLifecycleTestHarness.TestTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= giveUpAt)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}

using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Jobs;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using JobStateMachine = EventPlatform.Sagas.Jobs.JobStateMachine;

namespace EventPlatform.Sagas.Tests.Jobs;

/// <summary>
/// One scenario per harness: every test gets a fresh service provider, bus and saga repository.
/// Derived fixtures bring the job to their scenario in their own [SetUp], which runs after this one.
/// </summary>
public abstract class JobLifecycleSpecification
{
    protected const string UserId = "alice";
    protected const string TaskId = "arn:aws:ecs:eu-west-1:123456789012:task/jobs/5f0c2a9e7d4b4c1a";

    protected static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset StartedAt = Now.AddSeconds(4);
    protected static readonly DateTimeOffset StoppedAt = Now.AddSeconds(42);

    private ServiceProvider provider = null!;

    protected ITestHarness Harness { get; private set; } = null!;

    protected ISagaStateMachineTestHarness<JobStateMachine, JobState> SagaHarness { get; private set; } = null!;

    protected Guid JobId { get; private set; }

    /// <summary>Long enough that the run deadline never fires unless a scenario asks for it.</summary>
    protected virtual int TimeoutSeconds => 600;

    protected virtual TimeSpan RunDeadlineGrace => TimeSpan.Zero;

    /// <summary>
    /// When the task reports it started. The run deadline counts from it against the saga's clock,
    /// which stands still at <see cref="Now"/>: timing scenarios start their task at Now.
    /// </summary>
    protected virtual DateTimeOffset TaskStartedAt => StartedAt;

    protected JobSpec Spec => new(
        ["python", "train.py", "--epochs", "3"],
        TimeoutSeconds,
        JobPriority.High,
        new Dictionary<string, string> { ["STAGE"] = "test" });

    /// <summary>The saga instance of this test's job; the in-memory repository hands out the live object.</summary>
    protected JobState Job => SagaHarness.Sagas.Contains(JobId)
        ?? throw new AssertionException($"No saga instance exists for job {JobId}.");

    [SetUp]
    public async Task Start_a_fresh_harness()
    {
        provider = new ServiceCollection()
            .AddJobLifecycleTestHarness(new FixedTimeProvider(Now), RunDeadlineGrace)
            .BuildServiceProvider(validateScopes: true);

        Harness = provider.GetRequiredService<ITestHarness>();
        await Harness.Start();

        SagaHarness = Harness.GetSagaStateMachineHarness<JobStateMachine, JobState>();
        JobId = Guid.CreateVersion7();
    }

    [TearDown]
    public async Task Dispose_the_harness() => await provider.DisposeAsync();

    protected JobSubmitted Submitted() => new(JobId, UserId, Spec, Now);

    protected TaskStarted Started(int attempt = 1) => new(JobId, attempt, TaskId, TaskStartedAt);

    protected TaskStopped Stopped(
        int? exitCode,
        int attempt = 1,
        string stopCode = "EssentialContainerExited",
        string? reason = "Essential container in task exited") =>
        new(JobId, attempt, TaskId, exitCode, stopCode, reason, StoppedAt);

    protected Task Publish<T>(T message)
        where T : class => Harness.Bus.Publish(message);

    protected async Task GivenAStartingJob()
    {
        await Publish(Submitted());
        Assert.That(await SagaHarness.Exists(JobId, x => x.Starting), Is.EqualTo(JobId), "Given: the job is starting");
    }

    protected async Task GivenARunningJob()
    {
        await GivenAStartingJob();
        await Publish(Started());
        Assert.That(await SagaHarness.Exists(JobId, x => x.Running), Is.EqualTo(JobId), "Given: the job is running");
    }

    /// <summary>Waits until the saga has consumed <paramref name="times"/> messages of this type without a fault.</summary>
    protected Task<bool> ConsumedBySaga<T>(int times = 1)
        where T : class =>
        Eventually(() => SagaHarness.Consumed.Select<T>(AlreadyCancelled).Count(x => x.Exception is null) >= times);

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

    protected IReadOnlyList<Type> RecordedEventTypes => [.. Job.UncommittedEvents.Select(x => x.GetType())];

    protected T Recorded<T>() => Job.UncommittedEvents.OfType<T>().Single();

    /// <summary>
    /// A cancelled token makes the harness lists return what they hold now instead of waiting. Their own
    /// waits end for good at the first inactivity timeout, which a scheduled deadline easily outlasts.
    /// </summary>
    protected static CancellationToken AlreadyCancelled => new(canceled: true);

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

using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Testing;

namespace EventPlatform.IntegrationTests.Sagas;

/// <summary>
/// The saga on PostgreSQL with the real task bridge, the instant launcher and the reconciler; each test
/// drops, repeats or delays one kind of message about its job. Whatever is lost or late, the job ends
/// once, as its task did, and no attempt is launched or started twice (ADR 21).
/// </summary>
public class When_task_messages_are_lost_late_or_repeated
{
    private static readonly Dictionary<string, string?> QuickTimers = new()
    {
        ["JobLifecycle:StartTimeout"] = "00:00:03",
        ["JobLifecycle:ReconcileTimeout"] = "00:00:02",
        ["Reconciliation:StartupDelay"] = "00:00:00.500",
        ["Reconciliation:Interval"] = "00:00:01",
        ["Admission:PollInterval"] = "00:00:00.050",
        ["Scheduler:RedeliveryDelay"] = "00:00:01",
    };

    private MessageFaults faults = null!;
    private SagaOnPostgres platform = null!;

    [SetUp]
    public async Task Start()
    {
        faults = new MessageFaults();
        platform = await SagaOnPostgres.StartAsync("faults", QuickTimers, faults: faults);
    }

    [TearDown]
    public async Task Stop() => await platform.DisposeAsync();

    [TestCase(MessageFault.Drop)]
    [TestCase(MessageFault.Repeat)]
    [TestCase(MessageFault.Delay)]
    public async Task Should_run_the_attempt_once_whatever_becomes_of_its_running_event(MessageFault fault)
    {
        var jobId = Guid.CreateVersion7();
        faults.Add<TaskStarted>(jobId, fault);

        var stream = await RunAsync(jobId, "sleep", "2");

        AssertRanOnce(stream, expectedAttempts: 1);
    }

    [TestCase(MessageFault.Drop)]
    [TestCase(MessageFault.Repeat)]
    [TestCase(MessageFault.Delay)]
    public async Task Should_end_the_job_once_whatever_becomes_of_its_stopped_event(MessageFault fault)
    {
        var jobId = Guid.CreateVersion7();
        faults.Add<TaskStopped>(jobId, fault);

        var stream = await RunAsync(jobId, "true");

        AssertRanOnce(stream, expectedAttempts: 1);
    }

    [Test]
    public async Task Should_find_the_outcome_of_an_attempt_both_of_whose_events_were_lost()
    {
        var jobId = Guid.CreateVersion7();
        faults.Add<TaskStarted>(jobId, MessageFault.Drop);
        faults.Add<TaskStopped>(jobId, MessageFault.Drop);

        var stream = await RunAsync(jobId, "true");

        AssertRanOnce(stream, expectedAttempts: 1);
        Assert.That(stream.OfType<JobStarted>(), Is.Empty, "the launcher's answer was its stop");
    }

    [TestCase(MessageFault.Drop)]
    [TestCase(MessageFault.Delay)]
    public async Task Should_give_up_an_attempt_whose_launch_is_lost_or_late_and_never_run_it(MessageFault fault)
    {
        var jobId = Guid.CreateVersion7();
        faults.Add<LaunchTask>(jobId, fault, delay: TimeSpan.FromSeconds(8));

        var stream = await RunAsync(jobId, "true");

        // Attempt 1 was given up (the launcher knew no task of it and refuses it now); attempt 2 ran.
        AssertRanOnce(stream, expectedAttempts: 2);
        Assert.That(stream.OfType<JobStarted>().Single().Attempt, Is.EqualTo(2));
        Assert.That(stream.OfType<JobRetryScheduled>().Single().Reason, Is.EqualTo("The task did not start within 3 s."));
    }

    [Test]
    public async Task Should_publish_a_start_deadline_again_when_its_delivery_is_lost()
    {
        var jobId = Guid.CreateVersion7();
        faults.Add<LaunchTask>(jobId, MessageFault.Drop);
        faults.Add<JobStartDeadlineReached>(jobId, MessageFault.Drop);

        var stream = await RunAsync(jobId, "true");

        AssertRanOnce(stream, expectedAttempts: 2);
    }

    [Test]
    public async Task Should_publish_a_retry_again_when_its_delivery_is_lost()
    {
        var jobId = Guid.CreateVersion7();
        faults.Add<LaunchTask>(jobId, MessageFault.Drop);
        faults.Add<JobRetryDue>(jobId, MessageFault.Drop);

        var stream = await RunAsync(jobId, "true");

        AssertRanOnce(stream, expectedAttempts: 2);
    }

    [Test]
    public async Task Should_take_a_repeated_launch_as_one()
    {
        var jobId = Guid.CreateVersion7();
        faults.Add<LaunchTask>(jobId, MessageFault.Repeat);

        var stream = await RunAsync(jobId, "sleep", "1");

        AssertRanOnce(stream, expectedAttempts: 1);
    }

    [TestCase(MessageFault.Drop)]
    [TestCase(MessageFault.Delay)]
    public async Task Should_time_out_a_job_whose_running_event_is_lost_or_late(MessageFault fault)
    {
        var jobId = Guid.CreateVersion7();
        faults.Add<TaskStarted>(jobId, fault);

        var stream = await RunAsync(jobId, timeoutSeconds: 1, "sleep", "30");

        Assert.That(stream.OfType<JobTimedOut>().Count(), Is.EqualTo(1));
        Assert.That(stream.OfType<JobStarted>().Count(), Is.EqualTo(1));
        Assert.That(stream.OfType<JobLaunchRequested>().Count(), Is.EqualTo(1));
    }

    private Task<IReadOnlyList<object>> RunAsync(Guid jobId, params string[] command) => RunAsync(jobId, 60, command);

    /// <summary>Submits the job as the API does and returns its stream once it ended.</summary>
    private async Task<IReadOnlyList<object>> RunAsync(Guid jobId, int timeoutSeconds, params string[] command)
    {
        var submitted = new JobSubmitted(jobId, "faults", new JobSpec(command, timeoutSeconds, JobPriority.Normal, new Dictionary<string, string>()), DateTimeOffset.UtcNow);
        await using (var session = platform.Store.LightweightSession())
        {
            EventPlatform.Sagas.Jobs.JobSubmission.Stage(session, submitted, Guid.CreateVersion7(), platform.SubmissionRecoveryDelay);
            await session.SaveChangesAsync();
        }

        await platform.Harness.Bus.Publish(submitted);
        return await Eventually.MatchAsync(
            async () =>
            {
                await using var session = platform.Store.QuerySession();
                return (IReadOnlyList<object>)[.. (await session.Events.FetchStreamAsync(jobId)).Select(e => e.Data)];
            },
            stream => stream.Any(e => e is JobSucceeded or JobFailed or JobTimedOut or JobCancelled),
            TimeSpan.FromSeconds(60),
            $"job {jobId} to end");
    }

    private static void AssertRanOnce(IReadOnlyList<object> stream, int expectedAttempts)
    {
        var types = string.Join(", ", stream.Select(e => e is JobRetryScheduled retry ? $"JobRetryScheduled({retry.Reason})" : e.GetType().Name));
        Assert.That(stream.OfType<JobSucceeded>().Count(), Is.EqualTo(1), types);
        Assert.That(stream.Count(e => e is JobFailed or JobTimedOut or JobCancelled), Is.Zero, types);
        Assert.That(stream.OfType<JobLaunchRequested>().Select(e => e.Attempt), Is.EqualTo(Enumerable.Range(1, expectedAttempts)), types);
        // An attempt whose RUNNING event was lost and that ended before anyone asked has no start on record.
        Assert.That(stream.OfType<JobStarted>().Count(), Is.LessThanOrEqualTo(1), types);
    }
}

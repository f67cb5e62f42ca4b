using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;

namespace EventPlatform.Sagas.Tests.Jobs;

public class When_a_job_overruns_its_timeout : JobLifecycleSpecification
{
    protected override int TimeoutSeconds => 1;

    protected override DateTimeOffset TaskStartedAt => Now;

    [SetUp]
    public Task The_task_starts_and_never_stops() => GivenARunningJob();

    [Test]
    public async Task Should_end_the_job_as_timed_out()
    {
        Assert.That(await ConsumedBySaga<JobRunDeadlineReached>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.TimedOut), Is.EqualTo(JobId));

        Assert.That(Job.UncommittedEvents, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobStarted(JobId, 1, TaskId, TaskStartedAt),
            new JobTimedOut(JobId, 1, 1, Now),
        }));
    }

    [Test]
    public async Task Should_ask_the_launcher_to_stop_the_task()
    {
        Assert.That(await ConsumedBySaga<JobRunDeadlineReached>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.TimedOut), Is.EqualTo(JobId));

        var stop = PublishedSoFar<StopTask>().Single();
        Assert.That(stop.JobId, Is.EqualTo(JobId));
        Assert.That(stop.Attempt, Is.EqualTo(1));
        Assert.That(stop.TaskId, Is.EqualTo(TaskId));
        Assert.That(stop.Reason, Does.Contain("timeout").And.Contain("1 s"));
    }
}

public class When_a_task_stops_after_the_job_timed_out : JobLifecycleSpecification
{
    protected override int TimeoutSeconds => 1;

    protected override DateTimeOffset TaskStartedAt => Now;

    [SetUp]
    public async Task The_stopped_task_reports_after_the_deadline()
    {
        await GivenARunningJob();
        Assert.That(await SagaHarness.Exists(JobId, x => x.TimedOut), Is.EqualTo(JobId), "Given: the job timed out");
        await Publish(Stopped(exitCode: 137, stopCode: "UserInitiated", reason: "Job exceeded its timeout of 1 s"));
    }

    [Test]
    public async Task Should_leave_the_job_timed_out()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.TimedOut), Is.EqualTo(JobId));

        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobTimedOut),
        }));

        Assert.That(PublishedSoFar<StopTask>(), Has.Count.EqualTo(1));
    }
}

public class When_the_run_deadline_fires_after_the_job_succeeded : JobLifecycleSpecification
{
    protected override int TimeoutSeconds => 1;

    protected override DateTimeOffset TaskStartedAt => Now;

    [SetUp]
    public async Task The_task_stops_in_time()
    {
        await GivenARunningJob();
        await Publish(Stopped(exitCode: 0));
        Assert.That(await SagaHarness.Exists(JobId, x => x.Succeeded), Is.EqualTo(JobId), "Given: the job succeeded");
    }

    [Test]
    public async Task Should_leave_the_job_succeeded()
    {
        // The delayed scheduler cannot cancel, so the deadline still arrives; the cleared token makes the saga ignore it.
        Assert.That(await ConsumedBySaga<JobRunDeadlineReached>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Succeeded), Is.EqualTo(JobId));

        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobSucceeded),
        }));

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
    }
}

public class When_a_job_runs_past_its_timeout_within_the_grace : JobLifecycleSpecification
{
    protected override int TimeoutSeconds => 1;

    protected override DateTimeOffset TaskStartedAt => Now;

    protected override TimeSpan RunDeadlineGrace => TimeSpan.FromSeconds(3);

    [SetUp]
    public async Task The_task_runs_past_its_timeout()
    {
        await GivenARunningJob();
        await Task.Delay(TimeSpan.FromSeconds(2.5));
    }

    [Test]
    public async Task Should_time_the_job_out_only_when_the_grace_ends()
    {
        Assert.That(SagaHarness.Consumed.Select<JobRunDeadlineReached>(AlreadyCancelled), Is.Empty);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Running), Is.EqualTo(JobId));
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);

        Assert.That(await ConsumedBySaga<JobRunDeadlineReached>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.TimedOut), Is.EqualTo(JobId));
        Assert.That(Recorded<JobTimedOut>(), Is.EqualTo(new JobTimedOut(JobId, 1, 1, Now)));
        Assert.That(PublishedSoFar<StopTask>(), Has.Count.EqualTo(1));
    }
}

public class When_a_task_start_is_reported_after_its_timeout_has_passed : JobLifecycleSpecification
{
    protected override int TimeoutSeconds => 60;

    protected override DateTimeOffset TaskStartedAt => Now.AddSeconds(-120);

    [SetUp]
    public async Task The_start_arrives_two_minutes_late()
    {
        await GivenAStartingJob();
        await Publish(Started());
    }

    [Test]
    public async Task Should_time_the_job_out_at_once()
    {
        Assert.That(await ConsumedBySaga<JobRunDeadlineReached>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.TimedOut), Is.EqualTo(JobId));
        Assert.That(RecordedEventTypes[^1], Is.EqualTo(typeof(JobTimedOut)));
    }
}

using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Admission;
using EventPlatform.Sagas.Scheduling;

namespace EventPlatform.Sagas.Tests.Jobs;

public class When_a_job_overruns_its_timeout : JobLifecycleSpecification
{
    protected override int TimeoutSeconds => 1;

    protected override DateTimeOffset TaskStartedAt => Now;

    [SetUp]
    public async Task The_run_deadline_falls_due()
    {
        await GivenARunningJob();
        await When(FallDue<JobRunDeadlineReached>(), theJobIs: x => x.TimedOut);
    }

    [Test]
    public void Should_end_the_job_as_timed_out()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobStarted(JobId, 1, TaskId, TaskStartedAt),
            new JobTimedOut(JobId, 1, 1, Now),
        }));
        AssertTheJobHoldsNoTimers();
    }

    [Test]
    public void Should_ask_the_launcher_to_stop_the_task()
    {
        Assert.That(PublishedSoFar<StopTask>(), Is.EqualTo(new[]
        {
            new StopTask(JobId, 1, TaskId, "Job exceeded its timeout of 1 s."),
        }));
    }

    [Test]
    public void Should_free_the_slot()
    {
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release));
    }
}

public class When_a_task_starts_for_a_job_with_a_run_deadline_grace : JobLifecycleSpecification
{
    protected override int TimeoutSeconds => 60;

    protected override TimeSpan RunDeadlineGrace => TimeSpan.FromSeconds(5);

    [SetUp]
    public async Task The_task_reports_its_start()
    {
        await GivenAStartingJob();
        await When(Started(), theJobIs: x => x.Running);
    }

    [Test]
    public void Should_count_the_run_deadline_from_the_reported_start()
    {
        // StartedAt is 4 s after the saga's clock: the deadline is StartedAt + 60 s + 5 s, not Now + 65 s.
        var token = Job.RunDeadlineToken!.Value;
        Assert.That(PendingTimers, Is.EqualTo(new[]
        {
            new ScheduledDelivery(token, StartedAt.AddSeconds(65), new JobRunDeadlineReached(JobId, 1, token)),
        }));
    }
}

public class When_a_task_start_is_reported_after_its_timeout_has_passed : JobLifecycleSpecification
{
    private DateTimeOffset runDeadlineDueAt;

    protected override int TimeoutSeconds => 60;

    protected override DateTimeOffset TaskStartedAt => Now.AddSeconds(-120);

    [SetUp]
    public async Task The_start_arrives_two_minutes_late()
    {
        await GivenAStartingJob();
        await Given(Started());
        runDeadlineDueAt = PendingTimer<JobRunDeadlineReached>().DueAt;
        await When(FallDue<JobRunDeadlineReached>(), theJobIs: x => x.TimedOut);
    }

    [Test]
    public void Should_time_the_job_out_at_the_next_dispatch()
    {
        Assert.That(runDeadlineDueAt, Is.EqualTo(Now.AddSeconds(-60)), "Already due when it was set");
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobStarted(JobId, 1, TaskId, TaskStartedAt),
            new JobTimedOut(JobId, 1, 60, Now),
        }));
        Assert.That(PublishedSoFar<StopTask>(), Has.Count.EqualTo(1));
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
        await Given(FallDue<JobRunDeadlineReached>(), theJobIs: x => x.TimedOut);
        await When(
            Stopped(exitCode: 137, stopCode: "UserInitiated", reason: "Job exceeded its timeout of 1 s."),
            theJobIs: x => x.TimedOut);
    }

    [Test]
    public void Should_leave_the_job_timed_out()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobTimedOut),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));

        Assert.That(PublishedSoFar<StopTask>(), Has.Count.EqualTo(1));
        AssertTheJobHoldsNoTimers();
    }
}

public class When_the_run_deadline_is_delivered_twice : JobLifecycleSpecification
{
    private JobRunDeadlineReached deadline = null!;

    protected override int TimeoutSeconds => 1;

    protected override DateTimeOffset TaskStartedAt => Now;

    [SetUp]
    public async Task The_dispatcher_delivers_the_deadline_again()
    {
        await GivenARunningJob();
        deadline = PendingTimerMessage<JobRunDeadlineReached>();
        await Given(FallDue<JobRunDeadlineReached>(), theJobIs: x => x.TimedOut);
        await When(deadline, theJobIs: x => x.TimedOut);
    }

    [Test]
    public void Should_time_the_job_out_once()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobTimedOut),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));
        Assert.That(PublishedSoFar<StopTask>(), Has.Count.EqualTo(1));
    }
}

public class When_the_run_deadline_fires_after_the_job_succeeded : JobLifecycleSpecification
{
    private JobRunDeadlineReached deadline = null!;

    protected override int TimeoutSeconds => 1;

    protected override DateTimeOffset TaskStartedAt => Now;

    [SetUp]
    public async Task The_task_stops_in_time_and_the_deadline_is_delivered_anyway()
    {
        await GivenARunningJob();
        deadline = PendingTimerMessage<JobRunDeadlineReached>();
        await Given(Stopped(exitCode: 0), theJobIs: x => x.Succeeded);

        // The dispatcher had claimed the timer before the saga cancelled it.
        await When(deadline, theJobIs: x => x.Succeeded);
    }

    [Test]
    public void Should_leave_the_job_succeeded()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobSucceeded),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        AssertTheJobHoldsNoTimers();
    }
}

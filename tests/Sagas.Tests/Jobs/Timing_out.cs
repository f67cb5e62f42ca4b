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

public class When_a_task_start_carries_a_time_before_its_launch : JobLifecycleSpecification
{
    protected override int TimeoutSeconds => 60;

    /// <summary>Two days before the launch was requested: a skewed clock, or an event replayed long after.</summary>
    protected override DateTimeOffset TaskStartedAt => Now.AddDays(-2);

    [SetUp]
    public async Task The_start_reports_a_time_the_task_cannot_have_started_at()
    {
        await GivenAStartingJob();
        await When(Started(), theJobIs: x => x.Running);
    }

    [Test]
    public void Should_take_the_launch_request_as_its_start_and_leave_the_task_running()
    {
        Assert.That(Recorded[^1], Is.EqualTo(new JobStarted(JobId, 1, TaskId, Now)), "no earlier than the launch request (Now)");
        var token = Job.RunDeadlineToken!.Value;
        Assert.That(PendingTimers, Is.EqualTo(new[]
        {
            new ScheduledDelivery(token, Now.AddSeconds(60), new JobRunDeadlineReached(JobId, 1, token)),
        }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
    }
}

public class When_a_task_stop_carries_a_time_before_its_start : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_stop_reports_a_time_before_the_task_started()
    {
        await GivenARunningJob();
        await When(
            new TaskStopped(JobId, 1, TaskId, 0, "EssentialContainerExited", "Essential container in task exited", SubmittedAt.AddDays(-1)),
            theJobIs: x => x.Succeeded);
    }

    [Test]
    public void Should_finish_the_job_no_earlier_than_it_started()
    {
        Assert.That(Recorded[^1], Is.EqualTo(new JobSucceeded(JobId, 1, 0, StartedAt)));
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

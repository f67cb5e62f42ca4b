using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Admission;

namespace EventPlatform.Sagas.Tests.Jobs;

public class When_a_task_stops_with_exit_code_0 : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_running_task_stops_with_exit_code_0()
    {
        await GivenARunningJob();
        await When(Stopped(exitCode: 0), theJobIs: x => x.Succeeded);
    }

    [Test]
    public void Should_end_the_job_as_succeeded()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobStarted(JobId, 1, TaskId, StartedAt),
            new JobSucceeded(JobId, 1, 0, StoppedAt),
        }));

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
    }

    [Test]
    public void Should_cancel_the_run_deadline()
    {
        AssertTheJobHoldsNoTimers();
    }

    [Test]
    public void Should_free_the_slot()
    {
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release));
    }
}

public class When_a_task_stops_with_a_non_zero_exit_code : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_running_task_stops_with_exit_code_3()
    {
        await GivenARunningJob();
        await When(Stopped(exitCode: 3), theJobIs: x => x.Failed);
    }

    [Test]
    public void Should_end_the_job_as_failed_without_a_retry()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobFailed),
        }));
        var failed = RecordedSingle<JobFailed>();
        Assert.That(failed.JobId, Is.EqualTo(JobId));
        Assert.That(failed.Attempt, Is.EqualTo(1));
        Assert.That(failed.ExitCode, Is.EqualTo(3));
        Assert.That(failed.Reason, Is.EqualTo("Command exited with code 3."));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        AssertTheJobHoldsNoTimers();
    }

    [Test]
    public void Should_free_the_slot()
    {
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release));
    }

    [Test]
    public void Should_date_the_failure_when_the_task_stopped()
    {
        Assert.That(
            RecordedSingle<JobFailed>().FinishedAt,
            Is.EqualTo(StoppedAt),
            "A job that failed because its task stopped finished when the task stopped (TaskStopped.StoppedAt), as JobSucceeded "
            + "does and as the previous machine did; the saga's clock only says when the message was handled.");
    }
}

public class When_a_task_stops_with_an_exit_code_the_job_does_not_retry : JobLifecycleSpecification
{
    protected override IReadOnlyList<int> RetryOnExitCodes => [3];

    [SetUp]
    public async Task The_running_task_stops_with_exit_code_4()
    {
        await GivenARunningJob();
        await When(Stopped(exitCode: 4), theJobIs: x => x.Failed);
    }

    [Test]
    public void Should_end_the_job_as_failed_without_a_retry()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobFailed),
        }));
        var failed = RecordedSingle<JobFailed>();
        Assert.That((failed.JobId, failed.Attempt, failed.ExitCode), Is.EqualTo((JobId, 1, (int?)4)));
        Assert.That(failed.Reason, Is.EqualTo("Command exited with code 4."));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        AssertTheJobHoldsNoTimers();
    }
}

public class When_a_task_is_stopped_for_a_reason_that_is_not_retried : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_running_task_is_stopped_by_someone_else()
    {
        await GivenARunningJob();
        await When(
            Stopped(exitCode: null, stopCode: "UserInitiated", reason: "Task stopped by the console"),
            theJobIs: x => x.Failed);
    }

    [Test]
    public void Should_end_the_job_as_failed_with_the_stop_code()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobFailed),
        }));
        var failed = RecordedSingle<JobFailed>();
        Assert.That((failed.JobId, failed.Attempt, failed.ExitCode), Is.EqualTo((JobId, 1, (int?)null)));
        Assert.That(failed.Reason, Is.EqualTo("The task stopped before the command ended (UserInitiated): Task stopped by the console."));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        AssertTheJobHoldsNoTimers();
    }
}

public class When_a_task_stops_before_its_start_is_reported : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_stop_overtakes_the_start()
    {
        await GivenAStartingJob();
        await When(Stopped(exitCode: 0), theJobIs: x => x.Succeeded);
    }

    [Test]
    public void Should_end_the_job_as_succeeded()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobSucceeded(JobId, 1, 0, StoppedAt),
        }));

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        AssertTheJobHoldsNoTimers();
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release), "The slot taken for the launch is freed");
    }
}

public class When_a_task_start_is_reported_after_the_task_stopped : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_start_arrives_last()
    {
        await GivenAStartingJob();
        await Given(Stopped(exitCode: 0), theJobIs: x => x.Succeeded);
        await When(Started(), theJobIs: x => x.Succeeded);
    }

    [Test]
    public void Should_leave_the_job_succeeded()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobSucceeded) }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));
        Assert.That(Job.TaskId, Is.EqualTo(TaskId), "the stopped task is remembered");

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty, "the task that already stopped is not stopped again");
        AssertTheJobHoldsNoTimers();
    }
}

public class When_a_task_stop_is_delivered_twice : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_same_stop_arrives_twice()
    {
        await GivenARunningJob();
        await WhenDeliveredTwice(Stopped(exitCode: 0), theJobIs: x => x.Succeeded);
    }

    [Test]
    public void Should_record_a_single_outcome()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobSucceeded),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
    }
}

public class When_a_failed_task_stop_is_delivered_twice : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_same_failure_arrives_twice()
    {
        await GivenARunningJob();
        await WhenDeliveredTwice(Stopped(exitCode: 125), theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_schedule_a_single_retry()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobRetryScheduled),
        }));
        Assert.That(Job.Attempt, Is.EqualTo(1));
        Assert.That(PendingTimers.Select(x => x.TokenId), Is.EqualTo(new[] { Job.RetryToken!.Value }));
        Assert.That(TerminalEvents, Is.Empty);
    }
}

public class When_a_task_of_another_attempt_stops : JobLifecycleSpecification
{
    [SetUp]
    public async Task A_task_of_attempt_2_stops()
    {
        await GivenARunningJob();
        await When(Stopped(exitCode: 1, attempt: 2), theJobIs: x => x.Running);
    }

    [Test]
    public void Should_leave_the_job_running()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted) }));
        Assert.That(Job.Attempt, Is.EqualTo(1));
        Assert.That(Job.RunDeadlineToken, Is.Not.Null);

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
    }
}

public class When_a_task_of_an_unknown_job_stops : JobLifecycleSpecification
{
    [SetUp]
    public Task A_task_stops_for_a_job_that_was_never_submitted() => Publish(Stopped(exitCode: 0));

    [Test]
    public async Task Should_not_create_a_job()
    {
        Assert.That(await ConsumedByBus<TaskStopped>(x => x.JobId == JobId), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, TimeSpan.FromMilliseconds(200)), Is.Null);

        Assert.That(SagaHarness.Created.Select(_ => true, AlreadyCancelled), Is.Empty);
        Assert.That(PublishedSoFar<LaunchTask>(), Is.Empty);
    }
}

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
        await Publish(Stopped(exitCode: 0));
    }

    [Test]
    public async Task Should_end_the_job_as_succeeded()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Succeeded), Is.EqualTo(JobId));

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
    public async Task Should_cancel_the_run_deadline()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Succeeded), Is.EqualTo(JobId));

        AssertTheJobHoldsNoTimers();
    }

    [Test]
    public async Task Should_free_the_slot()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Succeeded), Is.EqualTo(JobId));

        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release));
    }
}

public class When_a_task_stops_with_a_non_zero_exit_code : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_running_task_stops_with_exit_code_3()
    {
        await GivenARunningJob();
        await Publish(Stopped(exitCode: 3));
    }

    [Test]
    public async Task Should_end_the_job_as_failed_without_a_retry()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Failed), Is.EqualTo(JobId));

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
    public async Task Should_free_the_slot()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Failed), Is.EqualTo(JobId));

        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release));
    }

    [Test]
    public async Task Should_date_the_failure_when_the_task_stopped()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Failed), Is.EqualTo(JobId));

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
        await Publish(Stopped(exitCode: 4));
    }

    [Test]
    public async Task Should_end_the_job_as_failed_without_a_retry()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Failed), Is.EqualTo(JobId));

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
        await Publish(Stopped(exitCode: null, stopCode: "UserInitiated", reason: "Task stopped by the console"));
    }

    [Test]
    public async Task Should_end_the_job_as_failed_with_the_stop_code()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Failed), Is.EqualTo(JobId));

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
        await Publish(Stopped(exitCode: 0));
    }

    [Test]
    public async Task Should_end_the_job_as_succeeded()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Succeeded), Is.EqualTo(JobId));

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
        await Publish(Started());
    }

    [Test]
    public async Task Should_leave_the_job_succeeded()
    {
        Assert.That(await ConsumedBySaga<TaskStarted>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Succeeded), Is.EqualTo(JobId));

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
        await Publish(Stopped(exitCode: 0));
        await Publish(Stopped(exitCode: 0));
    }

    [Test]
    public async Task Should_record_a_single_outcome()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(times: 2), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Succeeded), Is.EqualTo(JobId));

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
        await Publish(Stopped(exitCode: 125));
        await Publish(Stopped(exitCode: 125));
    }

    [Test]
    public async Task Should_schedule_a_single_retry()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(times: 2), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Queued), Is.EqualTo(JobId));

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
        await Publish(Stopped(exitCode: 1, attempt: 2));
    }

    [Test]
    public async Task Should_leave_the_job_running()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Running), Is.EqualTo(JobId));

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

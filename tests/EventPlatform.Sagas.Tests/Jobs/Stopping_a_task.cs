using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;

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

        Assert.That(Job.UncommittedEvents, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobStarted(JobId, 1, TaskId, StartedAt),
            new JobSucceeded(JobId, 1, 0, StoppedAt),
        }));

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
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
    public async Task Should_end_the_job_as_failed_with_that_exit_code()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Failed), Is.EqualTo(JobId));

        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobFailed),
        }));
        var failed = Recorded<JobFailed>();
        Assert.That(failed.JobId, Is.EqualTo(JobId));
        Assert.That(failed.Attempt, Is.EqualTo(1));
        Assert.That(failed.ExitCode, Is.EqualTo(3));
        Assert.That(failed.Reason, Does.Contain("code 3"));
        Assert.That(failed.FinishedAt, Is.EqualTo(StoppedAt));

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
    }
}

public class When_a_task_fails_to_start : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_task_stops_without_an_exit_code()
    {
        await GivenAStartingJob();
        await Publish(Stopped(exitCode: null, stopCode: "TaskFailedToStart", reason: "CannotPullContainerError: image not found"));
    }

    [Test]
    public async Task Should_end_the_job_as_failed_with_the_stop_code()
    {
        Assert.That(await ConsumedBySaga<TaskStopped>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Failed), Is.EqualTo(JobId));

        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobFailed) }));
        var failed = Recorded<JobFailed>();
        Assert.That(failed.JobId, Is.EqualTo(JobId));
        Assert.That(failed.Attempt, Is.EqualTo(1));
        Assert.That(failed.ExitCode, Is.Null);
        Assert.That(failed.Reason, Does.Contain("TaskFailedToStart").And.Contain("CannotPullContainerError: image not found"));
        Assert.That(failed.FinishedAt, Is.EqualTo(StoppedAt));

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
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

        Assert.That(Job.UncommittedEvents, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobSucceeded(JobId, 1, 0, StoppedAt),
        }));

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
    }
}

public class When_a_task_start_is_reported_after_the_task_stopped : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_start_arrives_last()
    {
        await GivenAStartingJob();
        await Publish(Stopped(exitCode: 0));
        Assert.That(await SagaHarness.Exists(JobId, x => x.Succeeded), Is.EqualTo(JobId), "Given: the job succeeded");
        await Publish(Started());
    }

    [Test]
    public async Task Should_leave_the_job_succeeded()
    {
        Assert.That(await ConsumedBySaga<TaskStarted>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Succeeded), Is.EqualTo(JobId));

        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobSucceeded) }));
        Assert.That(Job.TaskId, Is.Null);
        Assert.That(Job.RunDeadlineTokenId, Is.Null);

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
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

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
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
        Assert.That(Job.RunDeadlineTokenId, Is.Not.Null);

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

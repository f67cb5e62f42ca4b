using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Scheduling;

namespace EventPlatform.Sagas.Tests.Jobs;

public class When_the_task_starts : JobLifecycleSpecification
{
    private Guid startDeadline;

    [SetUp]
    public async Task The_task_of_attempt_1_starts()
    {
        await GivenAStartingJob();
        startDeadline = Job.StartDeadlineToken!.Value;
        await When(Started(attempt: 1), theJobIs: x => x.Running);
    }

    [Test]
    public void Should_mark_the_job_as_running()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobStarted(JobId, 1, TaskId, StartedAt),
        }));
        Assert.That(Job.TaskId, Is.EqualTo(TaskId));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
    }

    [Test]
    public void Should_replace_the_start_deadline_with_the_run_deadline()
    {
        Assert.That(Job.StartDeadlineToken, Is.Null);
        Assert.That(Job.Timers.Cancelled, Does.Contain(startDeadline));

        var token = Job.RunDeadlineToken;
        Assert.That(token, Is.Not.Null);
        Assert.That(PendingTimers, Is.EqualTo(new[]
        {
            new ScheduledDelivery(token!.Value, StartedAt.AddSeconds(600), new JobRunDeadlineReached(JobId, 1, token.Value)),
        }));
    }
}

public class When_a_task_start_is_delivered_twice : JobLifecycleSpecification
{
    private Guid runDeadline;

    [SetUp]
    public async Task The_same_start_arrives_twice()
    {
        await GivenARunningJob();
        runDeadline = Job.RunDeadlineToken!.Value;
        await When(Started(attempt: 1), theJobIs: x => x.Running);
    }

    [Test]
    public void Should_record_the_start_once()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobStarted(JobId, 1, TaskId, StartedAt),
        }));

        Assert.That(Job.RunDeadlineToken, Is.EqualTo(runDeadline));
        Assert.That(PendingTimers.Select(x => x.TokenId), Is.EqualTo(new[] { runDeadline }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
    }
}

public class When_a_task_of_another_attempt_starts : JobLifecycleSpecification
{
    [SetUp]
    public async Task A_task_of_attempt_2_starts()
    {
        await GivenAStartingJob();
        await When(Started(attempt: 2), theJobIs: x => x.Starting);
    }

    [Test]
    public void Should_leave_the_job_starting()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested) }));
        Assert.That(Job.Attempt, Is.EqualTo(1));
        Assert.That(Job.TaskId, Is.Null);
        Assert.That(Job.RunDeadlineToken, Is.Null);
        Assert.That(Job.StartDeadlineToken, Is.Not.Null);

        // No such attempt was launched by this job: the task is not wanted and is stopped by name.
        Assert.That(PublishedSoFar<StopTask>(), Is.EqualTo(new[]
        {
            new StopTask(JobId, 2, Started(attempt: 2).TaskId, "The job no longer wants this task."),
        }));
    }
}

public class When_a_task_of_an_unknown_job_starts : JobLifecycleSpecification
{
    [SetUp]
    public Task A_task_starts_for_a_job_that_was_never_submitted() => Publish(Started());

    [Test]
    public async Task Should_not_create_a_job()
    {
        Assert.That(await ConsumedByBus<TaskStarted>(x => x.JobId == JobId), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, TimeSpan.FromMilliseconds(200)), Is.Null);

        Assert.That(SagaHarness.Created.Select(_ => true, AlreadyCancelled), Is.Empty);
        Assert.That(PublishedSoFar<LaunchTask>(), Is.Empty);
    }
}

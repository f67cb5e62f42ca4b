using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Scheduling;

namespace EventPlatform.Sagas.Tests.Jobs;

public class When_a_job_is_submitted : JobLifecycleSpecification
{
    [SetUp]
    public Task The_job_is_submitted() => Publish(Submitted());

    [Test]
    public async Task Should_request_the_launch_of_attempt_1()
    {
        Assert.That(await ConsumedBySaga<JobSubmitted>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Starting), Is.EqualTo(JobId));

        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
        }));

        var launch = PublishedSoFar<LaunchTask>().Single();
        Assert.That(launch.JobId, Is.EqualTo(JobId));
        Assert.That(launch.Attempt, Is.EqualTo(1));
        Assert.That(launch.Spec.Command, Is.EqualTo(new[] { "python", "train.py", "--epochs", "3" }));
        Assert.That(launch.Spec.TimeoutSeconds, Is.EqualTo(600));
        Assert.That(launch.Spec.Priority, Is.EqualTo(JobPriority.High));
        Assert.That(launch.Spec.Env, Is.EqualTo(new Dictionary<string, string> { ["STAGE"] = "test" }));
        Assert.That(launch.Spec.MaxAttempts, Is.EqualTo(3));
        Assert.That(launch.Spec.RetryOnExitCodes, Is.Empty);
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
    }

    [Test]
    public async Task Should_set_the_start_deadline_of_attempt_1()
    {
        Assert.That(await ConsumedBySaga<JobSubmitted>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Starting), Is.EqualTo(JobId));

        var token = Job.StartDeadlineToken;
        Assert.That(token, Is.Not.Null);
        Assert.That(PendingTimers, Is.EqualTo(new[]
        {
            new ScheduledDelivery(token!.Value, Now + StartTimeout, new JobStartDeadlineReached(JobId, 1, token.Value)),
        }));
        Assert.That(Job.RunDeadlineToken, Is.Null);
        Assert.That(Job.StopDeadlineToken, Is.Null);
        Assert.That(Job.RetryToken, Is.Null);
    }

    [Test]
    public async Task Should_cancel_the_submission_recovery_timer()
    {
        Assert.That(await ConsumedBySaga<JobSubmitted>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Starting), Is.EqualTo(JobId));

        // The API sets that timer with the job id as its token.
        Assert.That(Job.Timers.Cancelled, Is.EqualTo(new[] { JobId }));
    }

    [Test]
    public async Task Should_keep_the_submitter_and_the_spec_on_the_job()
    {
        Assert.That(await ConsumedBySaga<JobSubmitted>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Starting), Is.EqualTo(JobId));

        Assert.That(Job.UserId, Is.EqualTo(UserId));
        Assert.That(Job.Attempt, Is.EqualTo(1));
        Assert.That(Job.TaskId, Is.Null);
        Assert.That(Job.Spec?.Command, Is.EqualTo(new[] { "python", "train.py", "--epochs", "3" }));
        Assert.That(Job.Spec?.TimeoutSeconds, Is.EqualTo(600));
        Assert.That(Job.Spec?.MaxAttempts, Is.EqualTo(3));
    }
}

public class When_a_job_submission_is_delivered_twice : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_submission_is_delivered_again()
    {
        await GivenAStartingJob();
        await Publish(Submitted());
    }

    [Test]
    public async Task Should_launch_the_task_once()
    {
        Assert.That(await ConsumedBySaga<JobSubmitted>(times: 2), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Starting), Is.EqualTo(JobId));

        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
        }));
        Assert.That(Job.Attempt, Is.EqualTo(1));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(PendingTimers, Has.Count.EqualTo(1));
        Assert.That(PendingTimer<JobStartDeadlineReached>().TokenId, Is.EqualTo(Job.StartDeadlineToken));
    }
}

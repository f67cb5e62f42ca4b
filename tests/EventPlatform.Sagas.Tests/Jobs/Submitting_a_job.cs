using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;

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

        Assert.That(Job.UncommittedEvents, Is.EqualTo(new object[]
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
    }

    [Test]
    public async Task Should_keep_the_submitter_and_the_spec_on_the_job()
    {
        Assert.That(await ConsumedBySaga<JobSubmitted>(), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Starting), Is.EqualTo(JobId));

        Assert.That(Job.UserId, Is.EqualTo(UserId));
        Assert.That(Job.Attempt, Is.EqualTo(1));
        Assert.That(Job.TaskId, Is.Null);
        Assert.That(Job.RunDeadlineTokenId, Is.Null);
        Assert.That(Job.Spec?.Command, Is.EqualTo(new[] { "python", "train.py", "--epochs", "3" }));
        Assert.That(Job.Spec?.TimeoutSeconds, Is.EqualTo(600));
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

        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested) }));
        Assert.That(Job.Attempt, Is.EqualTo(1));

        Assert.That(PublishedSoFar<LaunchTask>(), Has.Count.EqualTo(1));
    }
}

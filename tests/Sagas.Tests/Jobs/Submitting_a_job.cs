using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Admission;

namespace EventPlatform.Sagas.Tests.Jobs;

public class When_a_job_is_submitted : JobLifecycleSpecification
{
    [SetUp]
    public Task The_job_is_submitted() => When(Submitted(), theJobIs: x => x.Queued);

    [Test]
    public void Should_put_attempt_1_in_line_for_a_slot_without_launching_it()
    {
        Assert.That(Recorded, Is.EqualTo(new object[] { new JobQueued(JobId, 1, Now) }));

        Assert.That(PublishedSoFar<LaunchTask>(), Is.Empty, "A job launches only once the admission controller gives it a slot");
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Enqueue), "The job joins the line");
    }

    [Test]
    public void Should_not_set_a_start_deadline_before_the_job_is_admitted()
    {
        // A wait for a slot may last as long as the line is: only a launch starts the clock.
        Assert.That(Job.StartDeadlineToken, Is.Null);
        Assert.That(Job.RunDeadlineToken, Is.Null);
        Assert.That(Job.StopDeadlineToken, Is.Null);
        Assert.That(Job.RetryToken, Is.Null);
        Assert.That(PendingTimers, Is.Empty);
    }

    [Test]
    public void Should_cancel_the_submission_recovery_timer()
    {
        // The API sets that timer with the job id as its token.
        Assert.That(Job.Timers.Cancelled, Is.EqualTo(new[] { JobId }));
    }

    [Test]
    public void Should_keep_the_submitter_the_spec_and_the_time_it_joined_the_line_on_the_job()
    {
        Assert.That(Job.UserId, Is.EqualTo(UserId));
        Assert.That(Job.Attempt, Is.EqualTo(1));
        Assert.That(Job.TaskId, Is.Null);
        Assert.That(Job.Spec?.Command, Is.EqualTo(new[] { "python", "train.py", "--epochs", "3" }));
        Assert.That(Job.Spec?.TimeoutSeconds, Is.EqualTo(600));
        Assert.That(Job.Spec?.MaxAttempts, Is.EqualTo(3));
        Assert.That(Job.Spec?.Priority, Is.EqualTo(JobPriority.High));
        Assert.That(Job.QueuedAt, Is.EqualTo(SubmittedAt), "The line is ordered by when the API accepted the job, not when the saga saw it");
    }
}

public class When_a_job_submission_is_delivered_twice : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_submission_is_delivered_again()
    {
        await GivenAStartingJob();
        await When(Submitted(), theJobIs: x => x.Starting);
    }

    [Test]
    public void Should_launch_the_task_once()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
        }));
        Assert.That(Job.Attempt, Is.EqualTo(1));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(PendingTimers, Has.Count.EqualTo(1));
        Assert.That(PendingTimer<JobStartDeadlineReached>().TokenId, Is.EqualTo(Job.StartDeadlineToken));
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "The job keeps its slot and does not join the line again");
    }
}

public class When_a_job_submission_is_delivered_twice_while_the_job_waits_for_a_slot : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_submission_is_delivered_again()
    {
        await GivenAQueuedJob();
        await When(Submitted(), theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_keep_one_place_in_line()
    {
        Assert.That(Recorded, Is.EqualTo(new object[] { new JobQueued(JobId, 1, Now) }));
        Assert.That(Job.Attempt, Is.EqualTo(1));

        Assert.That(PublishedSoFar<LaunchTask>(), Is.Empty);
        Assert.That(PendingTimers, Is.Empty);
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "The job is already in line");
    }
}

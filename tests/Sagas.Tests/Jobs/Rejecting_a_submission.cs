using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;

namespace EventPlatform.Sagas.Tests.Jobs;

public class When_a_submission_reached_the_dead_letters : JobLifecycleSpecification
{
    private const string Reason = "it could not be read (Expected non-empty PropertyName)";

    [SetUp]
    public Task The_submission_is_rejected() => When(new JobSubmissionRejected(JobId, Reason), theJobIs: x => x.Failed);

    [Test]
    public void Should_fail_the_job_with_the_reason_and_launch_nothing()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobFailed(JobId, 1, null, $"The submission could not be processed: {Reason}", Now),
        }));
        Assert.That(PublishedSoFar<LaunchTask>(), Is.Empty);
    }

    [Test]
    public void Should_cancel_the_submission_recovery_timer()
    {
        Assert.That(Job.Timers.Cancelled, Is.EqualTo(new[] { JobId }));
        Assert.That(PendingTimers, Is.Empty);
    }

    [Test]
    public async Task Should_ignore_the_submission_should_it_be_read_later()
    {
        await When(Submitted(), theJobIs: x => x.Failed);

        Assert.That(TerminalEvents, Has.Count.EqualTo(1));
        Assert.That(PublishedSoFar<LaunchTask>(), Is.Empty);
    }
}

public class When_a_submission_a_cancel_waited_for_reached_the_dead_letters : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_cancel_came_first_then_the_rejection()
    {
        await When(Cancel(), theJobIs: x => x.CancelPending);
        await When(new JobSubmissionRejected(JobId, "its saga failed on it"), theJobIs: x => x.Failed);
    }

    [Test]
    public void Should_fail_the_job_once_with_the_reason()
    {
        Assert.That(TerminalEvents, Is.EqualTo(new object[]
        {
            new JobFailed(JobId, 1, null, "The submission could not be processed: its saga failed on it", Now),
        }));
    }
}

public class When_a_submission_the_saga_took_is_rejected_later : JobLifecycleSpecification
{
    [SetUp]
    public async Task A_later_delivery_of_the_submission_was_dead_lettered()
    {
        await GivenAQueuedJob();
        await When(new JobSubmissionRejected(JobId, "a repeat failed"), theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_keep_the_job_it_holds()
    {
        Assert.That(TerminalEvents, Is.Empty);
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued) }));
    }
}

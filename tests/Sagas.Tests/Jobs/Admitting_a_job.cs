using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Admission;
using EventPlatform.Sagas.Scheduling;
using MassTransit;
using JobStateMachine = EventPlatform.Sagas.Jobs.JobStateMachine;

namespace EventPlatform.Sagas.Tests.Jobs;

public class When_attempt_1_is_admitted : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_admission_controller_gives_attempt_1_a_slot()
    {
        await GivenAQueuedJob();
        await When(Admitted(attempt: 1), theJobIs: x => x.Starting);
    }

    [Test]
    public void Should_launch_attempt_1()
    {
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
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Acknowledge), "The job takes up its slot, so the admission is not published again");
    }

    [Test]
    public void Should_give_the_task_the_jobs_correlation_id_not_the_admissions_conversation()
    {
        var submission = Harness.Consumed.Select<JobSubmitted>().Single().Context.ConversationId;
        var admission = Harness.Consumed.Select<JobAdmitted>().Single().Context.ConversationId;
        Assert.That(submission, Is.Not.Null);
        Assert.That(admission, Is.Not.EqualTo(submission), "the admission was published on its own");
        Assert.That(PublishedSoFar<LaunchTask>().Single().CorrelationId, Is.EqualTo(submission));
        Assert.That(Job.EventCorrelationId, Is.EqualTo(submission!.Value.ToString("N")), "the id on every event of the stream");
    }

    [Test]
    public void Should_set_the_start_deadline_of_attempt_1()
    {
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
}

public class When_an_admission_is_delivered_twice : JobLifecycleSpecification
{
    private Guid startDeadline;

    [SetUp]
    public async Task The_admission_controller_publishes_the_admission_again()
    {
        // It publishes an admission again when the saga has not taken it up in time.
        await GivenAStartingJob();
        startDeadline = Job.StartDeadlineToken!.Value;
        await When(Admitted(attempt: 1), theJobIs: x => x.Starting);
    }

    [Test]
    public void Should_launch_attempt_1_once()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
        }));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(Job.StartDeadlineToken, Is.EqualTo(startDeadline));
        Assert.That(PendingTimers.Select(x => x.TokenId), Is.EqualTo(new[] { startDeadline }));
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "The job keeps the slot it took up");
    }
}

public class When_an_admission_for_another_attempt_arrives : JobLifecycleSpecification
{
    [SetUp]
    public async Task Attempt_2_is_admitted_while_attempt_1_waits_for_a_slot()
    {
        await GivenAQueuedJob();
        await When(Admitted(attempt: 2), theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_keep_attempt_1_waiting_for_its_own_admission()
    {
        Assert.That(Recorded, Is.EqualTo(new object[] { new JobQueued(JobId, 1, Now) }));
        Assert.That(Job.Attempt, Is.EqualTo(1));
        Assert.That(PendingTimers, Is.Empty);

        Assert.That(PublishedSoFar<LaunchTask>(), Is.Empty);
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "The job keeps its place in line");
    }
}

public class When_an_admission_of_attempt_1_arrives_while_attempt_2_waits_for_a_slot : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_admission_of_attempt_1_is_published_again_late()
    {
        await GivenAttempt2WaitingForASlot();
        await When(Admitted(attempt: 1), theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_keep_attempt_2_waiting_for_its_own_admission()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobRetryScheduled), typeof(JobQueued),
        }));
        Assert.That(Job.Attempt, Is.EqualTo(2));
        Assert.That(Job.StartDeadlineToken, Is.Null);
        Assert.That(PendingTimers, Is.Empty);

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "Attempt 2 keeps its place in line");
    }
}

public class When_an_admission_arrives_during_a_retry_back_off : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_admission_of_attempt_1_is_published_again_after_it_failed()
    {
        await GivenAJobQueuedForAttempt2();
        await When(Admitted(attempt: 1), theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_keep_waiting_for_the_back_off()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobRetryScheduled) }));
        Assert.That(Job.Attempt, Is.EqualTo(1));
        Assert.That(Job.StartDeadlineToken, Is.Null);
        Assert.That(PendingTimers.Select(x => x.TokenId), Is.EqualTo(new[] { Job.RetryToken!.Value }));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "The job is out of line until its back-off ends");
    }
}

public class When_an_admission_arrives_while_the_task_runs : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_admission_is_published_again_after_the_task_started()
    {
        await GivenARunningJob();
        await When(Admitted(attempt: 1), theJobIs: x => x.Running);
    }

    [Test]
    public void Should_leave_the_job_running()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted) }));
        Assert.That(PendingTimers.Select(x => x.TokenId), Is.EqualTo(new[] { Job.RunDeadlineToken!.Value }));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "The job keeps its slot");
    }
}

public class When_an_admission_arrives_while_the_job_is_being_cancelled : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_admission_is_published_again_after_the_cancel()
    {
        await GivenARunningJob();
        await Given(Cancel(), theJobIs: x => x.Cancelling);
        await When(Admitted(attempt: 1), theJobIs: x => x.Cancelling);
    }

    [Test]
    public void Should_keep_waiting_for_the_stop()
    {
        Assert.That(RecordedEventTypes[^1], Is.EqualTo(typeof(JobCancelRequested)));
        Assert.That(TerminalEvents, Is.Empty);
        Assert.That(PendingTimers.Select(x => x.TokenId), Is.EqualTo(new[] { Job.StopDeadlineToken!.Value }));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(PublishedSoFar<StopTask>(), Has.Count.EqualTo(1));
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "The task still holds the slot until it stops");
    }
}

/// <summary>
/// The admission controller gave the job a slot as the job ended (or published an admission again
/// that the saga had not taken up): the slot is stale and only the saga knows it.
/// </summary>
public abstract class AdmissionAfterTheEndSpecification : JobLifecycleSpecification
{
    private IReadOnlyList<object> recordedBefore = [];
    private int launchesBefore;
    private int stopsBefore;

    protected abstract Func<JobStateMachine, State> EndState { get; }

    [SetUp]
    public async Task An_admission_arrives_after_the_job_ended()
    {
        await GivenTheJobEnded();
        recordedBefore = Recorded;
        launchesBefore = PublishedSoFar<LaunchTask>().Count;
        stopsBefore = PublishedSoFar<StopTask>().Count;
        await When(Admitted(Job.Attempt), theJobIs: EndState);
    }

    [Test]
    public void Should_free_the_stale_slot_and_change_nothing_else()
    {
        Assert.That(Job.UncommittedEvents, Is.Empty, "The admission records nothing");
        Assert.That(Recorded, Is.EqualTo(recordedBefore));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));

        Assert.That(PublishedSoFar<LaunchTask>(), Has.Count.EqualTo(launchesBefore), "No launch after the end");
        Assert.That(PublishedSoFar<StopTask>(), Has.Count.EqualTo(stopsBefore), "Nothing to stop");
        AssertTheJobHoldsNoTimers();
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release), "The slot the controller took for the ended job is freed");
    }

    /// <summary>
    /// Brings the job to its end with Given steps, the last naming <see cref="EndState"/>, so the end is
    /// committed before the admission arrives.
    /// </summary>
    protected abstract Task GivenTheJobEnded();
}

public class When_an_admission_arrives_after_the_job_succeeded : AdmissionAfterTheEndSpecification
{
    protected override Func<JobStateMachine, State> EndState => x => x.Succeeded;

    protected override async Task GivenTheJobEnded()
    {
        await GivenARunningJob();
        await Given(Stopped(exitCode: 0), theJobIs: EndState);
    }
}

public class When_an_admission_arrives_after_the_job_failed : AdmissionAfterTheEndSpecification
{
    protected override Func<JobStateMachine, State> EndState => x => x.Failed;

    protected override async Task GivenTheJobEnded()
    {
        await GivenARunningJob();
        await Given(Stopped(exitCode: 3), theJobIs: EndState);
    }
}

public class When_an_admission_arrives_after_the_job_timed_out : AdmissionAfterTheEndSpecification
{
    protected override int TimeoutSeconds => 1;

    protected override DateTimeOffset TaskStartedAt => Now;

    protected override Func<JobStateMachine, State> EndState => x => x.TimedOut;

    protected override async Task GivenTheJobEnded()
    {
        await GivenARunningJob();
        await Given(FallDue<JobRunDeadlineReached>(), theJobIs: EndState);
    }
}

public class When_an_admission_arrives_after_the_job_was_cancelled_while_waiting_for_it : AdmissionAfterTheEndSpecification
{
    protected override Func<JobStateMachine, State> EndState => x => x.Cancelled;

    [Test]
    public void Should_never_launch_the_job()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobCancelRequested), typeof(JobCancelled) }));

        Assert.That(PublishedSoFar<LaunchTask>(), Is.Empty);
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
    }

    /// <summary>The cancel and the admission race: the controller picked the job before the cancel took it out of line.</summary>
    protected override async Task GivenTheJobEnded()
    {
        await GivenAQueuedJob();
        await Given(Cancel(), theJobIs: EndState);
    }
}

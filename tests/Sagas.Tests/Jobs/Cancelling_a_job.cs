using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Admission;
using EventPlatform.Sagas.Scheduling;

namespace EventPlatform.Sagas.Tests.Jobs;

public class When_a_job_waiting_for_a_slot_is_cancelled : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_job_is_cancelled_before_it_was_admitted()
    {
        await GivenAQueuedJob();
        await When(Cancel(), theJobIs: x => x.Cancelled);
    }

    [Test]
    public void Should_end_the_job_as_cancelled_at_once_without_a_launch()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobCancelRequested(JobId, 1, UserId, "No longer needed", Now),
            new JobCancelled(JobId, 1, "Cancelled before it was launched.", Now),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));

        Assert.That(PublishedSoFar<LaunchTask>(), Is.Empty);
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty, "No task was launched, so there is none to stop");
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release), "The job leaves the line");
    }

    [Test]
    public void Should_hold_no_timers()
    {
        AssertTheJobHoldsNoTimers();
    }
}

public class When_attempt_2_waiting_for_a_slot_is_cancelled : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_job_is_cancelled_after_its_back_off_and_before_attempt_2_was_admitted()
    {
        await GivenAttempt2WaitingForASlot();
        await When(Cancel(), theJobIs: x => x.Cancelled);
    }

    [Test]
    public void Should_end_the_job_as_cancelled_without_launching_attempt_2()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobRetryScheduled), typeof(JobQueued),
            typeof(JobCancelRequested), typeof(JobCancelled),
        }));
        Assert.That(RecordedSingle<JobCancelRequested>().Attempt, Is.EqualTo(2));
        Assert.That(RecordedSingle<JobCancelled>().Attempt, Is.EqualTo(2));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        AssertTheJobHoldsNoTimers();
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release), "Attempt 2 leaves the line");
    }

    [Test]
    public void Should_say_the_job_was_cancelled_before_it_was_launched_again()
    {
        Assert.That(
            RecordedSingle<JobCancelled>().Detail,
            Is.EqualTo("Cancelled before it was launched again."),
            "Attempt 1 was launched, so attempt 2 waiting for its slot is waiting to be launched again, as during its back-off "
            + "(and as the machine said before admission split that wait in two); the saga picks the detail from RetryToken, "
            + "which is cleared once the back-off ends, and so reports \"Cancelled before it was launched.\"");
    }
}

public class When_a_queued_job_is_cancelled : JobLifecycleSpecification
{
    private Guid retryToken;

    [SetUp]
    public async Task The_job_is_cancelled_during_its_back_off()
    {
        await GivenAJobQueuedForAttempt2();
        retryToken = Job.RetryToken!.Value;
        await When(Cancel(), theJobIs: x => x.Cancelled);
    }

    [Test]
    public void Should_end_the_job_as_cancelled_at_once()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            RecordedSingle<JobRetryScheduled>(),
            new JobCancelRequested(JobId, 1, UserId, "No longer needed", Now),
            new JobCancelled(JobId, 1, "Cancelled before it was launched again.", Now),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
    }

    [Test]
    public void Should_cancel_the_retry_timer()
    {
        Assert.That(Job.Timers.Cancelled, Does.Contain(retryToken));
        AssertTheJobHoldsNoTimers();
    }

    [Test]
    public void Should_release_whatever_the_job_holds_in_line()
    {
        // The back-off already freed the slot of attempt 1; a release is harmless and covers a stale one.
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release));
    }
}

public class When_a_starting_job_is_cancelled : JobLifecycleSpecification
{
    private Guid startDeadline;

    [SetUp]
    public async Task The_job_is_cancelled_before_its_task_started()
    {
        await GivenAStartingJob();
        startDeadline = Job.StartDeadlineToken!.Value;
        await When(Cancel(), theJobIs: x => x.Cancelling);
    }

    [Test]
    public void Should_ask_the_launcher_to_stop_the_task()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobCancelRequested(JobId, 1, UserId, "No longer needed", Now),
        }));
        Assert.That(TerminalEvents, Is.Empty);

        Assert.That(PublishedSoFar<StopTask>(), Is.EqualTo(new[] { new StopTask(JobId, 1, TaskId: null, "Cancelled by alice.") }));
    }

    [Test]
    public void Should_keep_the_slot_until_the_task_stops()
    {
        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "A task being stopped still counts against the caps");
    }

    [Test]
    public void Should_replace_the_start_deadline_with_a_stop_deadline()
    {
        Assert.That(Job.StartDeadlineToken, Is.Null);
        Assert.That(Job.Timers.Cancelled, Does.Contain(startDeadline));
        var token = Job.StopDeadlineToken;
        Assert.That(token, Is.Not.Null);
        Assert.That(PendingTimers, Is.EqualTo(new[]
        {
            new ScheduledDelivery(token!.Value, Now + StopTimeout, new JobStopDeadlineReached(JobId, 1, token.Value)),
        }));
    }
}

public class When_a_running_job_is_cancelled : JobLifecycleSpecification
{
    private Guid runDeadline;

    [SetUp]
    public async Task The_job_is_cancelled_while_its_task_runs()
    {
        await GivenARunningJob();
        runDeadline = Job.RunDeadlineToken!.Value;
        await When(Cancel(), theJobIs: x => x.Cancelling);
    }

    [Test]
    public void Should_ask_the_launcher_to_stop_the_task()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobStarted(JobId, 1, TaskId, StartedAt),
            new JobCancelRequested(JobId, 1, UserId, "No longer needed", Now),
        }));
        Assert.That(TerminalEvents, Is.Empty);

        Assert.That(PublishedSoFar<StopTask>(), Is.EqualTo(new[] { new StopTask(JobId, 1, TaskId, "Cancelled by alice.") }));
    }

    [Test]
    public void Should_keep_the_slot_until_the_task_stops()
    {
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "A task being stopped still counts against the caps");
    }

    [Test]
    public void Should_replace_the_run_deadline_with_a_stop_deadline()
    {
        Assert.That(Job.RunDeadlineToken, Is.Null);
        Assert.That(Job.Timers.Cancelled, Does.Contain(runDeadline));
        var token = Job.StopDeadlineToken;
        Assert.That(token, Is.Not.Null);
        Assert.That(PendingTimers, Is.EqualTo(new[]
        {
            new ScheduledDelivery(token!.Value, Now + StopTimeout, new JobStopDeadlineReached(JobId, 1, token.Value)),
        }));
    }
}

public class When_the_task_of_a_job_being_cancelled_stops : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_task_confirms_its_stop()
    {
        await GivenARunningJob();
        await Given(Cancel());
        await When(Stopped(exitCode: 137, stopCode: "UserInitiated", reason: "Cancelled by alice."), theJobIs: x => x.Cancelled);
    }

    [Test]
    public void Should_end_the_job_as_cancelled()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobStarted(JobId, 1, TaskId, StartedAt),
            new JobCancelRequested(JobId, 1, UserId, "No longer needed", Now),
            new JobCancelled(JobId, 1, "The task stopped.", StoppedAt),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));

        Assert.That(PublishedSoFar<StopTask>(), Has.Count.EqualTo(1));
        AssertTheJobHoldsNoTimers();
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release), "The stopped task frees its slot");
    }
}

public class When_the_task_of_a_job_being_cancelled_ends_with_exit_code_0 : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_command_finishes_before_the_stop_reaches_it()
    {
        await GivenARunningJob();
        await Given(Cancel());
        await When(Stopped(exitCode: 0), theJobIs: x => x.Cancelled);
    }

    [Test]
    public void Should_end_the_job_as_cancelled_as_asked()
    {
        Assert.That(RecordedEventTypes.TakeLast(2), Is.EqualTo(new[] { typeof(JobCancelRequested), typeof(JobCancelled) }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));
        AssertTheJobHoldsNoTimers();
    }
}

public class When_a_job_is_cancelled_twice : JobLifecycleSpecification
{
    private Guid stopDeadline;

    [SetUp]
    public async Task The_cancel_is_sent_again()
    {
        await GivenARunningJob();
        await Given(Cancel(), theJobIs: x => x.Cancelling);
        stopDeadline = Job.StopDeadlineToken!.Value;
        await When(new CancelJob(JobId, "bob", "Me too"), theJobIs: x => x.Cancelling);
    }

    [Test]
    public void Should_request_the_stop_once()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobStarted(JobId, 1, TaskId, StartedAt),
            new JobCancelRequested(JobId, 1, UserId, "No longer needed", Now),
        }));

        Assert.That(PublishedSoFar<StopTask>(), Has.Count.EqualTo(1));
        Assert.That(Job.StopDeadlineToken, Is.EqualTo(stopDeadline));
        Assert.That(PendingTimers.Select(x => x.TokenId), Is.EqualTo(new[] { stopDeadline }));
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "The task still holds its slot");
    }
}

public class When_the_task_does_not_confirm_its_stop : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_stop_deadline_falls_due()
    {
        await GivenARunningJob();
        await Given(Cancel());
        await When(FallDue<JobStopDeadlineReached>(), theJobIs: x => x.Cancelled);
    }

    [Test]
    public void Should_end_the_job_as_cancelled_anyway()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobStarted(JobId, 1, TaskId, StartedAt),
            new JobCancelRequested(JobId, 1, UserId, "No longer needed", Now),
            new JobCancelled(JobId, 1, "The task did not confirm its stop within 30 s.", Now),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));
        AssertTheJobHoldsNoTimers();
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release), "The slot is freed once the stop deadline passed");
    }
}

public class When_a_stop_deadline_with_an_unknown_token_arrives : JobLifecycleSpecification
{
    [SetUp]
    public async Task A_stop_deadline_the_job_does_not_hold_is_delivered()
    {
        await GivenARunningJob();
        await Given(Cancel());
        await When(new JobStopDeadlineReached(JobId, 1, Guid.CreateVersion7()), theJobIs: x => x.Cancelling);
    }

    [Test]
    public void Should_keep_waiting_for_the_stop()
    {
        Assert.That(RecordedEventTypes[^1], Is.EqualTo(typeof(JobCancelRequested)));
        Assert.That(TerminalEvents, Is.Empty);
        Assert.That(PendingTimer<JobStopDeadlineReached>().TokenId, Is.EqualTo(Job.StopDeadlineToken));
    }
}

public class When_the_task_stops_after_the_stop_deadline : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_stop_confirmation_arrives_late()
    {
        await GivenARunningJob();
        await Given(Cancel());
        await Given(FallDue<JobStopDeadlineReached>(), theJobIs: x => x.Cancelled);
        await When(Stopped(exitCode: 137, stopCode: "UserInitiated", reason: "Cancelled by alice."), theJobIs: x => x.Cancelled);
    }

    [Test]
    public void Should_leave_the_job_cancelled()
    {
        Assert.That(RecordedEventTypes[^1], Is.EqualTo(typeof(JobCancelled)));
        Assert.That(TerminalEvents, Is.EqualTo(new[] { new JobCancelled(JobId, 1, "The task did not confirm its stop within 30 s.", Now) }));
        AssertTheJobHoldsNoTimers();
    }
}

public class When_the_stop_deadline_fires_after_the_task_stopped : JobLifecycleSpecification
{
    private JobStopDeadlineReached deadline = null!;

    [SetUp]
    public async Task The_stop_deadline_arrives_late()
    {
        await GivenARunningJob();
        await Given(Cancel());
        deadline = PendingTimerMessage<JobStopDeadlineReached>();
        await Given(Stopped(exitCode: 137, stopCode: "UserInitiated", reason: "Cancelled by alice."), theJobIs: x => x.Cancelled);
        await When(deadline, theJobIs: x => x.Cancelled);
    }

    [Test]
    public void Should_leave_the_job_cancelled()
    {
        Assert.That(TerminalEvents, Is.EqualTo(new[] { new JobCancelled(JobId, 1, "The task stopped.", StoppedAt) }));
        Assert.That(RecordedEventTypes[^1], Is.EqualTo(typeof(JobCancelled)));
        AssertTheJobHoldsNoTimers();
    }
}

public class When_the_launch_fails_while_the_job_is_being_cancelled : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_launcher_reports_a_failed_launch()
    {
        await GivenAStartingJob();
        await Given(Cancel());
        await When(LaunchFailed(attempt: 1, retryable: true), theJobIs: x => x.Cancelled);
    }

    [Test]
    public void Should_end_the_job_as_cancelled()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobCancelRequested(JobId, 1, UserId, "No longer needed", Now),
            new JobCancelled(JobId, 1, "The task was never launched.", Now),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        AssertTheJobHoldsNoTimers();
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release), "The slot taken for the launch is freed");
    }
}

public class When_the_task_starts_while_the_job_is_being_cancelled : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_start_arrives_after_the_cancel()
    {
        await GivenAStartingJob();
        await Given(Cancel());
        await When(Started(attempt: 1), theJobIs: x => x.Cancelling);
    }

    [Test]
    public void Should_keep_waiting_for_the_stop()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobCancelRequested) }));
        Assert.That(TerminalEvents, Is.Empty);
        Assert.That(Job.RunDeadlineToken, Is.Null);
        Assert.That(PendingTimers.Select(x => x.TokenId), Is.EqualTo(new[] { Job.StopDeadlineToken!.Value }));
    }
}

public class When_the_run_deadline_fires_while_the_job_is_being_cancelled : JobLifecycleSpecification
{
    private JobRunDeadlineReached deadline = null!;

    [SetUp]
    public async Task The_cancelled_run_deadline_is_delivered_anyway()
    {
        await GivenARunningJob();
        deadline = PendingTimerMessage<JobRunDeadlineReached>();
        await Given(Cancel());
        await When(deadline, theJobIs: x => x.Cancelling);
    }

    [Test]
    public void Should_keep_waiting_for_the_stop()
    {
        Assert.That(RecordedEventTypes[^1], Is.EqualTo(typeof(JobCancelRequested)));
        Assert.That(TerminalEvents, Is.Empty);
        Assert.That(PublishedSoFar<StopTask>(), Has.Count.EqualTo(1));
    }
}

public class When_a_task_of_an_earlier_attempt_stops_while_the_job_is_being_cancelled : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_task_of_attempt_1_reports_late()
    {
        await GivenAttempt2Running();
        await Given(Cancel());
        await When(Stopped(exitCode: 0, attempt: 1), theJobIs: x => x.Cancelling);
    }

    [Test]
    public void Should_keep_waiting_for_the_stop_of_attempt_2()
    {
        Assert.That(RecordedEventTypes[^1], Is.EqualTo(typeof(JobCancelRequested)));
        Assert.That(RecordedSingle<JobCancelRequested>().Attempt, Is.EqualTo(2));
        Assert.That(TerminalEvents, Is.Empty);
        Assert.That(PublishedSoFar<StopTask>(), Is.EqualTo(new[] { new StopTask(JobId, 2, TaskIdOf(2), "Cancelled by alice.") }));
    }
}

public class When_a_finished_job_is_cancelled : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_cancel_arrives_after_the_job_succeeded()
    {
        await GivenARunningJob();
        await Given(Stopped(exitCode: 0), theJobIs: x => x.Succeeded);
        await When(Cancel(), theJobIs: x => x.Succeeded);
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

public class When_a_cancelled_job_is_cancelled_again : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_cancel_is_sent_after_the_job_was_cancelled()
    {
        await GivenAJobQueuedForAttempt2();
        await Given(Cancel(), theJobIs: x => x.Cancelled);
        await When(Cancel(), theJobIs: x => x.Cancelled);
    }

    [Test]
    public void Should_record_nothing_more()
    {
        Assert.That(Recorded.OfType<JobCancelRequested>().Count(), Is.EqualTo(1));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
    }
}

public class When_a_job_is_cancelled_before_the_saga_has_seen_its_submission : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_cancel_overtakes_the_submission()
    {
        // The API accepts a cancel once the job's stream exists; the publish of the submission can
        // be slower, or lost and only recovered by the API's timer 30 s later.
        await Publish(Cancel());
        Assert.That(await ConsumedByBus<CancelJob>(x => x.JobId == JobId), Is.True, "Given: the cancel was handled");
        await When(Submitted());
    }

    [Test]
    public async Task Should_not_launch_the_job()
    {
        Assert.That(
            LaunchesSoFar,
            Is.Empty,
            "The API answered 202 to the cancel of this queued job, so it must end Cancelled without a launch; "
            + "the saga discards a CancelJob for a job it has not seen yet and then launches the job.");
        Assert.That(await SagaHarness.Exists(JobId, x => x.Cancelled), Is.EqualTo(JobId));
        Assert.That(TerminalEvents.Select(x => x.GetType()), Is.EqualTo(new[] { typeof(JobCancelled) }));
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release), "The job never joins the line");
    }
}

using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Admission;

namespace EventPlatform.Sagas.Tests.Jobs;

public class When_the_start_deadline_of_attempt_1_fires_during_attempt_2 : JobLifecycleSpecification
{
    private JobStartDeadlineReached attempt1Deadline = null!;

    [SetUp]
    public async Task The_replaced_start_deadline_is_delivered()
    {
        await GivenAStartingJob();
        attempt1Deadline = PendingTimerMessage<JobStartDeadlineReached>();
        await Given(FailedToStart(attempt: 1));
        await GivenTheNextAttemptIsDueAndAdmitted();
        await When(attempt1Deadline, theJobIs: x => x.Starting);
    }

    [Test]
    public void Should_leave_attempt_2_starting()
    {
        Assert.That(RecordedEventTypes.TakeLast(2), Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested) }));
        Assert.That(Recorded.OfType<JobRetryScheduled>().Count(), Is.EqualTo(1));
        Assert.That(Job.Attempt, Is.EqualTo(2));

        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        Assert.That(PendingTimer<JobStartDeadlineReached>().Message, Is.EqualTo(new JobStartDeadlineReached(JobId, 2, Job.StartDeadlineToken!.Value)));
    }
}

public class When_a_start_deadline_with_a_replaced_token_names_the_current_attempt : JobLifecycleSpecification
{
    [SetUp]
    public async Task A_start_deadline_with_an_unknown_token_is_delivered()
    {
        await GivenAStartingJob();
        await When(new JobStartDeadlineReached(JobId, 1, Guid.CreateVersion7()), theJobIs: x => x.Starting);
    }

    [Test]
    public void Should_leave_the_job_starting()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        Assert.That(PendingTimers, Has.Count.EqualTo(1));
    }
}

public class When_the_start_deadline_fires_after_the_task_started : JobLifecycleSpecification
{
    private JobStartDeadlineReached deadline = null!;

    [SetUp]
    public async Task The_cancelled_start_deadline_is_delivered_anyway()
    {
        await GivenAStartingJob();
        deadline = PendingTimerMessage<JobStartDeadlineReached>();
        await Given(Started(attempt: 1), theJobIs: x => x.Running);
        await When(deadline, theJobIs: x => x.Running);
    }

    [Test]
    public void Should_leave_the_job_running()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        Assert.That(PendingTimer<JobRunDeadlineReached>().TokenId, Is.EqualTo(Job.RunDeadlineToken));
    }
}

public class When_the_run_deadline_of_attempt_1_fires_during_attempt_2 : JobLifecycleSpecification
{
    private JobRunDeadlineReached attempt1Deadline = null!;

    [SetUp]
    public async Task The_replaced_run_deadline_is_delivered()
    {
        await GivenARunningJob();
        attempt1Deadline = PendingTimerMessage<JobRunDeadlineReached>();
        await Given(Stopped(exitCode: null, stopCode: "SpotInterruption", reason: "Your Spot Task was interrupted"));
        await GivenTheNextAttemptIsDueAndAdmitted();
        await Given(Started(attempt: 2), theJobIs: x => x.Running);
        await When(attempt1Deadline, theJobIs: x => x.Running);
    }

    [Test]
    public void Should_leave_attempt_2_running()
    {
        Assert.That(RecordedEventTypes[^1], Is.EqualTo(typeof(JobStarted)));
        Assert.That(TerminalEvents, Is.Empty);
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        Assert.That(PendingTimer<JobRunDeadlineReached>().Message, Is.EqualTo(new JobRunDeadlineReached(JobId, 2, Job.RunDeadlineToken!.Value)));
    }
}

public class When_a_retry_falls_due_with_an_old_token : JobLifecycleSpecification
{
    [SetUp]
    public async Task A_retry_timer_the_job_no_longer_holds_is_delivered()
    {
        await GivenAJobQueuedForAttempt2();
        await When(new JobRetryDue(JobId, 2, Guid.CreateVersion7()), theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_keep_the_job_queued()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobRetryScheduled) }));
        Assert.That(Job.Attempt, Is.EqualTo(1));
        Assert.That(PendingTimer<JobRetryDue>().TokenId, Is.EqualTo(Job.RetryToken));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "The job stays out of line until its own retry is due");
    }
}

public class When_a_retry_due_is_delivered_twice : JobLifecycleSpecification
{
    private JobRetryDue due = null!;

    [SetUp]
    public async Task The_dispatcher_delivers_the_retry_again()
    {
        await GivenAJobQueuedForAttempt2();
        due = PendingTimerMessage<JobRetryDue>();
        await GivenTheNextAttemptIsDueAndAdmitted();
        await When(due, theJobIs: x => x.Starting);
    }

    [Test]
    public void Should_launch_attempt_2_once()
    {
        Assert.That(Recorded.OfType<JobQueued>().Select(x => x.Attempt), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(Recorded.OfType<JobLaunchRequested>().Select(x => x.Attempt), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(Job.Attempt, Is.EqualTo(2));
        Assert.That(PendingTimers.Select(x => x.TokenId), Is.EqualTo(new[] { Job.StartDeadlineToken!.Value }));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1), (JobId, 2) }));
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "Attempt 2 keeps its slot and does not join the line again");
    }
}

public class When_a_retry_due_is_delivered_twice_while_attempt_2_waits_for_a_slot : JobLifecycleSpecification
{
    private JobRetryDue due = null!;

    [SetUp]
    public async Task The_dispatcher_delivers_the_retry_again()
    {
        await GivenAJobQueuedForAttempt2();
        due = PendingTimerMessage<JobRetryDue>();
        await Given(FallDue<JobRetryDue>(), theJobIs: x => x.Queued);
        await When(due, theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_queue_attempt_2_once()
    {
        Assert.That(Recorded.OfType<JobQueued>().Select(x => x.Attempt), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(Job.Attempt, Is.EqualTo(2));
        Assert.That(PendingTimers, Is.Empty);

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.None), "Attempt 2 is already in line");
    }
}

public class When_the_task_of_attempt_1_stops_while_attempt_2_is_starting : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_stop_of_attempt_1_arrives_late()
    {
        await GivenAttempt2Starting();
        await When(Stopped(exitCode: 0, attempt: 1), theJobIs: x => x.Starting);
    }

    [Test]
    public void Should_leave_attempt_2_starting()
    {
        Assert.That(RecordedEventTypes.TakeLast(2), Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested) }));
        Assert.That(TerminalEvents, Is.Empty);
        Assert.That(Job.Attempt, Is.EqualTo(2));
        Assert.That(PendingTimer<JobStartDeadlineReached>().TokenId, Is.EqualTo(Job.StartDeadlineToken));
    }
}

public class When_the_task_of_attempt_1_starts_while_attempt_2_is_starting : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_start_of_attempt_1_arrives_late()
    {
        await GivenAttempt2Starting();
        await When(Started(attempt: 1), theJobIs: x => x.Starting);
    }

    [Test]
    public void Should_leave_attempt_2_starting()
    {
        Assert.That(Recorded.OfType<JobStarted>(), Is.Empty);
        Assert.That(Job.TaskId, Is.Null);
        Assert.That(Job.RunDeadlineToken, Is.Null);
        Assert.That(PendingTimer<JobStartDeadlineReached>().TokenId, Is.EqualTo(Job.StartDeadlineToken));
        Assert.That(PublishedSoFar<StopTask>().Last(), Is.EqualTo(new StopTask(JobId, 1, TaskIdOf(1), "The job no longer wants this task.")));
    }
}

public class When_the_task_of_attempt_1_stops_while_attempt_2_is_running : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_stop_of_attempt_1_arrives_late()
    {
        await GivenAttempt2Running();
        await When(Stopped(exitCode: 1, attempt: 1), theJobIs: x => x.Running);
    }

    [Test]
    public void Should_leave_attempt_2_running()
    {
        Assert.That(RecordedEventTypes[^1], Is.EqualTo(typeof(JobStarted)));
        Assert.That(TerminalEvents, Is.Empty);
        Assert.That(Job.TaskId, Is.EqualTo(TaskIdOf(2)));
        Assert.That(PendingTimer<JobRunDeadlineReached>().TokenId, Is.EqualTo(Job.RunDeadlineToken));
    }
}

public class When_the_task_of_attempt_1_starts_while_attempt_2_is_running : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_start_of_attempt_1_is_delivered_again()
    {
        await GivenAttempt2Running();
        await When(Started(attempt: 1), theJobIs: x => x.Running);
    }

    [Test]
    public void Should_leave_attempt_2_running()
    {
        Assert.That(Recorded.OfType<JobStarted>(), Is.EqualTo(new[] { new JobStarted(JobId, 2, TaskIdOf(2), StartedAt) }));
        Assert.That(Job.TaskId, Is.EqualTo(TaskIdOf(2)));
        Assert.That(PendingTimers.Select(x => x.TokenId), Is.EqualTo(new[] { Job.RunDeadlineToken!.Value }));
        Assert.That(PublishedSoFar<StopTask>().Last(), Is.EqualTo(new StopTask(JobId, 1, TaskIdOf(1), "The job no longer wants this task.")));
    }
}

public class When_the_launch_failure_of_attempt_1_arrives_while_attempt_2_is_starting : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_failure_of_attempt_1_is_delivered_again()
    {
        await GivenAttempt2Starting();
        await When(LaunchFailed(attempt: 1, retryable: false), theJobIs: x => x.Starting);
    }

    [Test]
    public void Should_leave_attempt_2_starting()
    {
        Assert.That(RecordedEventTypes.TakeLast(2), Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested) }));
        Assert.That(TerminalEvents, Is.Empty);
        Assert.That(Job.Attempt, Is.EqualTo(2));
    }
}

public class When_the_task_of_attempt_1_starts_after_its_start_deadline : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_slow_task_reports_while_the_job_waits_for_attempt_2()
    {
        await GivenAStartingJob();
        await Given(FallDue<JobStartDeadlineReached>(), theJobIs: x => x.Starting);
        await Given(FallDue<JobStartDeadlineReached>(), theJobIs: x => x.Queued);
        await When(Started(attempt: 1), theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_keep_the_job_queued()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobRetryScheduled) }));
        Assert.That(Job.TaskId, Is.Null);
        Assert.That(Job.RunDeadlineToken, Is.Null);
        Assert.That(PendingTimer<JobRetryDue>().TokenId, Is.EqualTo(Job.RetryToken));
        Assert.That(PublishedSoFar<StopTask>().Last(), Is.EqualTo(new StopTask(JobId, 1, TaskIdOf(1), "The job no longer wants this task.")));
    }
}

public class When_messages_arrive_after_the_job_failed : JobLifecycleSpecification
{
    private JobStartDeadlineReached startDeadline = null!;
    private JobRunDeadlineReached runDeadline = null!;

    [SetUp]
    public async Task Every_kind_of_message_arrives_late()
    {
        await GivenAStartingJob();
        startDeadline = PendingTimerMessage<JobStartDeadlineReached>();
        await Given(Started(attempt: 1));
        runDeadline = PendingTimerMessage<JobRunDeadlineReached>();
        await Given(Stopped(exitCode: 3), theJobIs: x => x.Failed);

        await Publish(Submitted());
        await Publish(Started(attempt: 1));
        await Publish(Stopped(exitCode: 0));
        await Publish(LaunchFailed(attempt: 1));
        await Publish(Cancel());
        await Publish(startDeadline);
        await Publish(runDeadline);
        await Publish(new JobStopDeadlineReached(JobId, 1, Guid.CreateVersion7()));
        await Publish(new JobRetryDue(JobId, 2, Guid.CreateVersion7()));
        await Publish(Admitted(attempt: 1));
    }

    [Test]
    public async Task Should_leave_the_job_failed_with_one_outcome()
    {
        Assert.That(await ConsumedBySaga<JobSubmitted>(times: 2), Is.True);
        Assert.That(await ConsumedBySaga<TaskStarted>(times: 2), Is.True);
        Assert.That(await ConsumedBySaga<TaskStopped>(times: 2), Is.True);
        Assert.That(await ConsumedBySaga<TaskLaunchFailed>(), Is.True);
        Assert.That(await ConsumedBySaga<CancelJob>(), Is.True);
        Assert.That(await ConsumedBySaga<JobStartDeadlineReached>(), Is.True);
        Assert.That(await ConsumedBySaga<JobRunDeadlineReached>(), Is.True);
        Assert.That(await ConsumedBySaga<JobStopDeadlineReached>(), Is.True);
        Assert.That(await ConsumedBySaga<JobRetryDue>(), Is.True);
        Assert.That(await ConsumedBySaga<JobAdmitted>(times: 2), Is.True);
        Assert.That(await SagaHarness.Exists(JobId, x => x.Failed), Is.EqualTo(JobId));

        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobFailed),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        AssertTheJobHoldsNoTimers();
    }
}

public class When_a_second_task_of_the_running_attempt_stops : JobLifecycleSpecification
{
    [SetUp]
    public async Task A_launch_delivered_again_ran_the_attempt_as_another_task_which_was_stopped()
    {
        await GivenARunningJob();
        var stray = new TaskStopped(JobId, 1, $"{TaskId}-stray", 143, "EssentialContainerExited", "Essential container in task exited", StoppedAt);
        await When(stray, theJobIs: x => x.Running);
    }

    [Test]
    public void Should_keep_the_job_running_on_its_own_task()
    {
        Assert.That(TerminalEvents, Is.Empty);
        Assert.That(Job.TaskId, Is.EqualTo(TaskId));
    }

    [Test]
    public async Task Should_still_end_the_job_when_its_own_task_stops()
    {
        await When(Stopped(exitCode: 0), theJobIs: x => x.Succeeded);

        Assert.That(TerminalEvents, Has.Count.EqualTo(1));
    }
}

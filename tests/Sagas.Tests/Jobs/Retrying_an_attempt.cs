using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Admission;
using EventPlatform.Sagas.Scheduling;

namespace EventPlatform.Sagas.Tests.Jobs;

/// <summary>
/// Attempt 1 of 3 fails for a reason the retry policy names: the job goes back to Queued, frees its
/// slot, and attempt 2 is due after the first back-off (1 s base, so between 0.5 s and 1 s from now).
/// </summary>
/// <typeparam name="TFailure">The message that reports the failure.</typeparam>
public abstract class RetryableFailureSpecification<TFailure> : JobLifecycleSpecification
    where TFailure : class
{
    private Guid attempt1Deadline;

    /// <summary>Whether attempt 1 reported its start before it failed.</summary>
    protected abstract bool StartsBeforeFailing { get; }

    protected abstract string ExpectedReason { get; }

    protected virtual IReadOnlyList<StopTask> ExpectedStops => [];

    [SetUp]
    public async Task Attempt_1_fails()
    {
        await (StartsBeforeFailing ? GivenARunningJob() : GivenAStartingJob());
        await GivenTheLauncherWasAsked();
        attempt1Deadline = (Job.RunDeadlineToken ?? Job.StartDeadlineToken)!.Value;
        await When(FailureOfAttempt1(), theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_queue_attempt_2()
    {
        var retryAt = PendingTimer<JobRetryDue>().DueAt;
        Assert.That(Recorded, Is.EqualTo(EventsOfAttempt1().Append(new JobRetryScheduled(JobId, 1, 2, ExpectedReason, retryAt, Now))));
        Assert.That(TerminalEvents, Is.Empty);
        Assert.That(Job.Attempt, Is.EqualTo(1));
        Assert.That(Job.LastFailure, Is.EqualTo(ExpectedReason));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.EqualTo(ExpectedStops));
    }

    [Test]
    public void Should_set_the_retry_timer_within_the_jittered_back_off()
    {
        var token = Job.RetryToken;
        Assert.That(token, Is.Not.Null);
        var retry = PendingTimers.Single();
        Assert.That(retry.TokenId, Is.EqualTo(token));
        Assert.That(retry.Message, Is.EqualTo(new JobRetryDue(JobId, 2, token!.Value)));
        Assert.That(retry.DueAt, Is.InRange(Now.AddSeconds(0.5), Now.AddSeconds(1)));
    }

    [Test]
    public void Should_cancel_the_deadline_of_attempt_1()
    {
        Assert.That(Job.Timers.Cancelled, Does.Contain(attempt1Deadline));
        Assert.That(Job.StartDeadlineToken, Is.Null);
        Assert.That(Job.RunDeadlineToken, Is.Null);
        Assert.That(Job.StopDeadlineToken, Is.Null);
    }

    [Test]
    public void Should_free_the_slot_of_attempt_1_during_the_back_off()
    {
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release), "Attempt 1 gives up its slot; attempt 2 joins the line when it is due");
    }

    /// <summary>The message that ends attempt 1 (after the launcher was asked about it, where it is).</summary>
    protected abstract TFailure FailureOfAttempt1();

    /// <summary>What comes before the failure: for a launch that failed or a start that did not come, the saga asks the launcher first.</summary>
    protected virtual Task GivenTheLauncherWasAsked() => Task.CompletedTask;

    private IEnumerable<object> EventsOfAttempt1()
    {
        yield return new JobQueued(JobId, 1, Now);
        yield return new JobLaunchRequested(JobId, 1, Now);
        if (StartsBeforeFailing)
        {
            yield return new JobStarted(JobId, 1, TaskId, StartedAt);
        }
    }
}

public class When_the_task_fails_to_start : RetryableFailureSpecification<TaskStopped>
{
    protected override bool StartsBeforeFailing => false;

    protected override string ExpectedReason => FailedToStartReason;

    protected override TaskStopped FailureOfAttempt1() => FailedToStart(attempt: 1);
}

public class When_the_spot_capacity_of_a_running_task_is_reclaimed : RetryableFailureSpecification<TaskStopped>
{
    protected override bool StartsBeforeFailing => true;

    protected override string ExpectedReason =>
        "The task stopped before the command ended (SpotInterruption): Your Spot Task was interrupted.";

    protected override TaskStopped FailureOfAttempt1() =>
        Stopped(exitCode: null, stopCode: "SpotInterruption", reason: "Your Spot Task was interrupted");
}

public class When_a_spot_interruption_ends_the_command_with_an_exit_code : RetryableFailureSpecification<TaskStopped>
{
    protected override bool StartsBeforeFailing => true;

    protected override string ExpectedReason =>
        "The task was interrupted (SpotInterruption) and the command exited with code 143.";

    protected override TaskStopped FailureOfAttempt1() =>
        Stopped(exitCode: 143, stopCode: "SpotInterruption", reason: "Your Spot Task was interrupted");
}

public class When_the_instance_of_a_running_task_receives_a_termination_notice : RetryableFailureSpecification<TaskStopped>
{
    protected override bool StartsBeforeFailing => true;

    protected override string ExpectedReason =>
        "The task stopped before the command ended (TerminationNotice): Instance scheduled for termination.";

    protected override TaskStopped FailureOfAttempt1() =>
        Stopped(exitCode: null, stopCode: "TerminationNotice", reason: "Instance scheduled for termination");
}

public class When_the_agent_fails : RetryableFailureSpecification<TaskStopped>
{
    protected override bool StartsBeforeFailing => true;

    protected override string ExpectedReason => "The agent failed (exit code 125).";

    protected override TaskStopped FailureOfAttempt1() => Stopped(exitCode: 125);
}

public class When_the_command_exits_with_a_code_the_job_retries : RetryableFailureSpecification<TaskStopped>
{
    protected override IReadOnlyList<int> RetryOnExitCodes => [3, 75];

    protected override bool StartsBeforeFailing => true;

    protected override string ExpectedReason => "Command exited with code 75.";

    protected override TaskStopped FailureOfAttempt1() => Stopped(exitCode: 75);
}

public class When_the_launch_fails_for_a_retryable_reason : RetryableFailureSpecification<TaskStopped>
{
    protected override bool StartsBeforeFailing => false;

    protected override string ExpectedReason => "The task could not be launched: ThrottlingException: Rate exceeded";

    protected override Task GivenTheLauncherWasAsked() => Given(LaunchFailed(attempt: 1, retryable: true), theJobIs: x => x.Starting);

    protected override TaskStopped FailureOfAttempt1() => LauncherKnowsNothingOf(attempt: 1);
}

public class When_the_task_does_not_start_in_time : RetryableFailureSpecification<JobStartDeadlineReached>
{
    protected override bool StartsBeforeFailing => false;

    protected override string ExpectedReason => "The task did not start within 60 s.";

    /// <summary>No start was seen, so the launcher has to find the attempt's task itself.</summary>
    protected override IReadOnlyList<StopTask> ExpectedStops => [new(JobId, 1, TaskId: null, "The task did not start in time.")];

    /// <summary>The first deadline asks the launcher; this second one finds it has not answered.</summary>
    protected override Task GivenTheLauncherWasAsked() => Given(FallDue<JobStartDeadlineReached>(), theJobIs: x => x.Starting);

    protected override JobStartDeadlineReached FailureOfAttempt1() => FallDue<JobStartDeadlineReached>();
}

public class When_the_retry_is_due : JobLifecycleSpecification
{
    private JobRetryScheduled retryScheduled = null!;

    [SetUp]
    public async Task The_back_off_of_attempt_2_ends()
    {
        await GivenAJobQueuedForAttempt2();
        retryScheduled = RecordedSingle<JobRetryScheduled>();
        await When(FallDue<JobRetryDue>(), theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_put_attempt_2_back_in_line_without_launching_it()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            retryScheduled,
            new JobQueued(JobId, 2, Now),
        }));
        Assert.That(Job.Attempt, Is.EqualTo(2));
        Assert.That(Job.TaskId, Is.Null);

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }), "Attempt 2 launches only once it is admitted");
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Enqueue), "Attempt 2 joins the line");
        Assert.That(Job.QueuedAt, Is.EqualTo(SubmittedAt), "A retried attempt keeps the place the job took when it was submitted");
    }

    [Test]
    public void Should_not_set_the_start_deadline_of_attempt_2_before_it_is_admitted()
    {
        Assert.That(Job.RetryToken, Is.Null, "The back-off is over: the job now waits for a slot");
        Assert.That(Job.StartDeadlineToken, Is.Null);
        Assert.That(PendingTimers, Is.Empty);
    }
}

public class When_attempt_2_is_admitted : JobLifecycleSpecification
{
    private Guid attempt1StartDeadline;
    private JobRetryScheduled retryScheduled = null!;

    [SetUp]
    public async Task The_admission_controller_gives_attempt_2_a_slot()
    {
        await GivenAStartingJob();
        attempt1StartDeadline = Job.StartDeadlineToken!.Value;
        await Given(FailedToStart(attempt: 1));
        await Given(FallDue<JobRetryDue>(), theJobIs: x => x.Queued);
        retryScheduled = RecordedSingle<JobRetryScheduled>();
        await When(Admitted(attempt: 2), theJobIs: x => x.Starting);
    }

    [Test]
    public void Should_launch_attempt_2()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            retryScheduled,
            new JobQueued(JobId, 2, Now),
            new JobLaunchRequested(JobId, 2, Now),
        }));
        Assert.That(Job.Attempt, Is.EqualTo(2));
        Assert.That(Job.TaskId, Is.Null);

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1), (JobId, 2) }));
        Assert.That(PublishedSoFar<LaunchTask>()[1].Spec.Command, Is.EqualTo(new[] { "python", "train.py", "--epochs", "3" }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Acknowledge), "Attempt 2 takes up its slot");
    }

    [Test]
    public void Should_set_the_start_deadline_of_attempt_2()
    {
        Assert.That(Job.RetryToken, Is.Null);
        var token = Job.StartDeadlineToken;
        Assert.That(token, Is.Not.Null.And.Not.EqualTo(attempt1StartDeadline));
        Assert.That(PendingTimers, Is.EqualTo(new[]
        {
            new ScheduledDelivery(token!.Value, Now + StartTimeout, new JobStartDeadlineReached(JobId, 2, token.Value)),
        }));
    }
}

public class When_attempt_2_succeeds : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_task_of_attempt_2_runs_and_exits_with_code_0()
    {
        await GivenAttempt2Running();
        await When(Stopped(exitCode: 0, attempt: 2), theJobIs: x => x.Succeeded);
    }

    [Test]
    public void Should_end_the_job_as_succeeded_with_every_event_naming_its_attempt()
    {
        var retryAt = RecordedSingle<JobRetryScheduled>().RetryAt;
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobRetryScheduled(JobId, 1, 2, FailedToStartReason, retryAt, Now),
            new JobQueued(JobId, 2, Now),
            new JobLaunchRequested(JobId, 2, Now),
            new JobStarted(JobId, 2, TaskIdOf(2), StartedAt),
            new JobSucceeded(JobId, 2, 0, StoppedAt),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));
        Assert.That(Job.TaskId, Is.EqualTo(TaskIdOf(2)));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1), (JobId, 2) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        AssertTheJobHoldsNoTimers();
    }
}

public class When_attempt_2_fails_for_a_retryable_reason : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_agent_of_attempt_2_fails()
    {
        await GivenAttempt2Running();
        await When(Stopped(exitCode: 125, attempt: 2), theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_queue_attempt_3_after_a_doubled_back_off()
    {
        var retry = PendingTimer<JobRetryDue>();
        Assert.That(Recorded[^1], Is.EqualTo(new JobRetryScheduled(JobId, 2, 3, "The agent failed (exit code 125).", retry.DueAt, Now)));
        Assert.That(TerminalEvents, Is.Empty);

        Assert.That(retry.Message, Is.EqualTo(new JobRetryDue(JobId, 3, Job.RetryToken!.Value)));
        Assert.That(retry.DueAt, Is.InRange(Now.AddSeconds(1), Now.AddSeconds(2)));
        Assert.That(PendingTimers, Has.Count.EqualTo(1));
    }
}

public class When_the_back_off_reaches_its_maximum : JobLifecycleSpecification
{
    protected override int MaxAttempts => 6;

    [SetUp]
    public async Task Attempts_1_to_5_cannot_be_launched()
    {
        await GivenAStartingJob();
        for (var attempt = 1; attempt < 5; attempt++)
        {
            await Given(LaunchFailed(attempt), theJobIs: x => x.Starting);
            await Given(LauncherKnowsNothingOf(attempt), theJobIs: x => x.Queued);
            await GivenTheNextAttemptIsDueAndAdmitted();
            Assert.That(Job.Attempt, Is.EqualTo(attempt + 1), "Given: the next attempt is starting");
        }

        await Given(LaunchFailed(attempt: 5), theJobIs: x => x.Starting);
        await When(LauncherKnowsNothingOf(attempt: 5), theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_wait_between_half_and_all_of_the_maximum()
    {
        // 1 s doubled four times is 16 s, capped at 10 s.
        var retry = PendingTimer<JobRetryDue>();
        Assert.That(retry.Message, Is.EqualTo(new JobRetryDue(JobId, 6, Job.RetryToken!.Value)));
        Assert.That(retry.DueAt, Is.InRange(Now.AddSeconds(5), Now.AddSeconds(10)));
        Assert.That(
            Recorded.OfType<JobRetryScheduled>().Select(x => (x.Attempt, x.NextAttempt)),
            Is.EqualTo(new[] { (1, 2), (2, 3), (3, 4), (4, 5), (5, 6) }));
    }
}

using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Admission;

namespace EventPlatform.Sagas.Tests.Jobs;

public class When_the_last_attempt_fails_for_a_retryable_reason : JobLifecycleSpecification
{
    private const string SpotReason = "The task stopped before the command ended (SpotInterruption): Your Spot Task was interrupted.";

    [SetUp]
    public async Task Three_attempts_fail_each_their_own_way()
    {
        await GivenAttempt2Running();
        await Given(
            Stopped(exitCode: null, attempt: 2, stopCode: "SpotInterruption", reason: "Your Spot Task was interrupted"),
            theJobIs: x => x.Queued);
        await GivenTheNextAttemptIsDueAndAdmitted();
        await Given(FallDue<JobStartDeadlineReached>(), theJobIs: x => x.Starting);
        await When(FallDue<JobStartDeadlineReached>(), theJobIs: x => x.Failed);
    }

    [Test]
    public void Should_end_the_job_as_failed_with_the_reason_of_the_last_attempt()
    {
        var retries = Recorded.OfType<JobRetryScheduled>().ToList();
        Assert.That(retries, Has.Count.EqualTo(2));
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobRetryScheduled(JobId, 1, 2, FailedToStartReason, retries[0].RetryAt, Now),
            new JobQueued(JobId, 2, Now),
            new JobLaunchRequested(JobId, 2, Now),
            new JobStarted(JobId, 2, TaskIdOf(2), StartedAt),
            new JobRetryScheduled(JobId, 2, 3, SpotReason, retries[1].RetryAt, Now),
            new JobQueued(JobId, 3, Now),
            new JobLaunchRequested(JobId, 3, Now),
            new JobFailed(JobId, 3, null, "The task did not start within 60 s. (attempt 3 of 3)", Now),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1), (JobId, 2), (JobId, 3) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.EqualTo(new[]
        {
            new StopTask(JobId, 3, TaskId: null, "The task did not start in time."),
        }));
    }

    [Test]
    public void Should_hold_no_timers()
    {
        AssertTheJobHoldsNoTimers();
    }

    [Test]
    public void Should_free_the_slot_of_the_last_attempt()
    {
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release));
    }
}

public class When_the_agent_fails_on_the_last_attempt : JobLifecycleSpecification
{
    protected override int MaxAttempts => 2;

    [SetUp]
    public async Task The_agent_of_both_attempts_fails()
    {
        await GivenAStartingJob();
        await Given(Started(attempt: 1));
        await Given(Stopped(exitCode: 125, attempt: 1));
        await GivenTheNextAttemptIsDueAndAdmitted();
        await Given(Started(attempt: 2), theJobIs: x => x.Running);
        await When(Stopped(exitCode: 125, attempt: 2), theJobIs: x => x.Failed);
    }

    [Test]
    public void Should_end_the_job_as_failed_with_the_last_exit_code()
    {
        Assert.That(RecordedEventTypes, Is.EqualTo(new[]
        {
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobRetryScheduled),
            typeof(JobQueued), typeof(JobLaunchRequested), typeof(JobStarted), typeof(JobFailed),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));
        var failed = RecordedSingle<JobFailed>();
        Assert.That((failed.JobId, failed.Attempt, failed.ExitCode), Is.EqualTo((JobId, 2, (int?)125)));
        Assert.That(failed.Reason, Is.EqualTo("The agent failed (exit code 125). (attempt 2 of 2)"));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1), (JobId, 2) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        AssertTheJobHoldsNoTimers();
    }
}

public class When_attempt_2_exits_with_a_code_that_is_not_retried : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_command_of_attempt_2_exits_with_code_3()
    {
        await GivenAttempt2Running();
        await When(Stopped(exitCode: 3, attempt: 2), theJobIs: x => x.Failed);
    }

    [Test]
    public void Should_end_the_job_as_failed_at_once()
    {
        Assert.That(RecordedEventTypes[^1], Is.EqualTo(typeof(JobFailed)));
        Assert.That(Recorded.OfType<JobRetryScheduled>().Count(), Is.EqualTo(1));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));
        var failed = RecordedSingle<JobFailed>();
        Assert.That((failed.JobId, failed.Attempt, failed.ExitCode), Is.EqualTo((JobId, 2, (int?)3)));
        Assert.That(failed.Reason, Is.EqualTo("Command exited with code 3. (attempt 2 of 3)"));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1), (JobId, 2) }));
        AssertTheJobHoldsNoTimers();
    }
}

public class When_a_job_with_a_single_attempt_does_not_start_in_time : JobLifecycleSpecification
{
    protected override int MaxAttempts => 1;

    [SetUp]
    public async Task The_start_deadline_falls_due_and_the_launcher_does_not_answer()
    {
        await GivenAStartingJob();
        await Given(FallDue<JobStartDeadlineReached>(), theJobIs: x => x.Starting);
        await When(FallDue<JobStartDeadlineReached>(), theJobIs: x => x.Failed);
    }

    [Test]
    public void Should_stop_the_task_and_end_the_job_as_failed()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobFailed(JobId, 1, null, "The task did not start within 60 s.", Now),
        }));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.EqualTo(new[]
        {
            new StopTask(JobId, 1, TaskId: null, "The task did not start in time."),
        }));
        AssertTheJobHoldsNoTimers();
    }
}

public class When_a_retryable_launch_failure_hits_the_only_attempt : JobLifecycleSpecification
{
    protected override int MaxAttempts => 1;

    [SetUp]
    public async Task The_launch_is_throttled_and_the_launcher_knows_no_task_of_it()
    {
        await GivenAStartingJob();
        await Given(LaunchFailed(attempt: 1, retryable: true), theJobIs: x => x.Starting);
        await When(LauncherKnowsNothingOf(attempt: 1), theJobIs: x => x.Failed);
    }

    [Test]
    public void Should_end_the_job_as_failed()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobFailed(JobId, 1, null, "The task could not be launched: ThrottlingException: Rate exceeded", Now),
        }));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        AssertTheJobHoldsNoTimers();
    }
}

public class When_the_launch_fails_for_good : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_launcher_refuses_the_task()
    {
        await GivenAStartingJob();
        await When(
            LaunchFailed(attempt: 1, retryable: false, reason: "ClientException: The task definition does not exist"),
            theJobIs: x => x.Failed);
    }

    [Test]
    public void Should_end_the_job_as_failed_without_a_retry()
    {
        Assert.That(Recorded, Is.EqualTo(new object[]
        {
            new JobQueued(JobId, 1, Now),
            new JobLaunchRequested(JobId, 1, Now),
            new JobFailed(JobId, 1, null, "The task could not be launched: ClientException: The task definition does not exist", Now),
        }));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        AssertTheJobHoldsNoTimers();
        Assert.That(Job.Admission, Is.EqualTo(AdmissionChange.Release), "The slot taken for the launch is freed");
    }
}

public class When_the_launch_of_attempt_2_fails_for_good : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_launcher_refuses_attempt_2()
    {
        await GivenAttempt2Starting();
        await When(
            LaunchFailed(attempt: 2, retryable: false, reason: "ClientException: The task definition does not exist"),
            theJobIs: x => x.Failed);
    }

    [Test]
    public void Should_end_the_job_as_failed_naming_the_attempt()
    {
        Assert.That(Recorded[^1], Is.EqualTo(new JobFailed(
            JobId, 2, null, "The task could not be launched: ClientException: The task definition does not exist (attempt 2 of 3)", Now)));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));

        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1), (JobId, 2) }));
        AssertTheJobHoldsNoTimers();
    }
}

using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;

namespace EventPlatform.Sagas.Tests.Jobs;

/// <summary>
/// Before an attempt that did not start in time, or whose launch failed, is launched again, the saga
/// asks the launcher what became of it; an attempt whose events were lost is never run a second time.
/// </summary>
public class When_the_start_deadline_passes : JobLifecycleSpecification
{
    [SetUp]
    public async Task No_start_is_reported_in_time()
    {
        await GivenAStartingJob();
        await When(FallDue<JobStartDeadlineReached>(), theJobIs: x => x.Starting);
    }

    [Test]
    public void Should_ask_the_launcher_what_became_of_the_attempt_before_anything_else()
    {
        Assert.That(PublishedSoFar<ReconcileTask>(), Is.EqualTo(new[] { WhatBecameOf(attempt: 1) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(RecordedEventTypes, Is.EqualTo(new[] { typeof(JobQueued), typeof(JobLaunchRequested) }));
        Assert.That(Job.LastFailure, Is.EqualTo("The task did not start within 60 s."));
    }

    [Test]
    public void Should_wait_for_the_answer_no_longer_than_the_reconcile_timeout()
    {
        var deadline = PendingTimer<JobStartDeadlineReached>();
        Assert.That(deadline.TokenId, Is.EqualTo(Job.StartDeadlineToken));
        Assert.That(deadline.DueAt, Is.EqualTo(Now + ReconcileTimeout));
        Assert.That(deadline.Message, Is.EqualTo(new JobStartDeadlineReached(JobId, 1, deadline.TokenId)));
    }
}

public class When_the_launcher_finds_the_attempt_running : JobLifecycleSpecification
{
    [SetUp]
    public async Task Its_running_event_was_lost()
    {
        await GivenAStartingJob();
        await Given(FallDue<JobStartDeadlineReached>(), theJobIs: x => x.Starting);
        await When(Started(attempt: 1), theJobIs: x => x.Running);
    }

    [Test]
    public void Should_adopt_the_task_instead_of_launching_again()
    {
        Assert.That(Recorded[^1], Is.EqualTo(new JobStarted(JobId, 1, TaskId, TaskStartedAt)));
        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        Assert.That(PublishedSoFar<StopTask>(), Is.Empty);
        Assert.That(Job.AskedLauncher, Is.False);
        Assert.That(PendingTimers.Select(t => t.Message.GetType()), Is.EqualTo(new[] { typeof(JobRunDeadlineReached) }));
    }
}

public class When_the_launcher_finds_the_attempt_ended : JobLifecycleSpecification
{
    [SetUp]
    public async Task All_its_events_were_lost()
    {
        await GivenAStartingJob();
        await Given(FallDue<JobStartDeadlineReached>(), theJobIs: x => x.Starting);
        await When(Stopped(exitCode: 0), theJobIs: x => x.Succeeded);
    }

    [Test]
    public void Should_end_the_job_with_that_outcome_and_never_run_it_again()
    {
        Assert.That(Recorded[^1], Is.EqualTo(new JobSucceeded(JobId, 1, 0, StoppedAt)));
        Assert.That(TerminalEvents, Has.Count.EqualTo(1));
        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
        AssertTheJobHoldsNoTimers();
    }
}

public class When_the_launcher_finds_the_attempt_failed : JobLifecycleSpecification
{
    protected override int MaxAttempts => 1;

    [SetUp]
    public async Task Its_command_failed_while_its_events_were_lost()
    {
        await GivenAStartingJob();
        await Given(LaunchFailed(attempt: 1), theJobIs: x => x.Starting);
        await When(Stopped(exitCode: 3), theJobIs: x => x.Failed);
    }

    [Test]
    public void Should_fail_the_job_with_the_commands_exit_code()
    {
        Assert.That(Recorded[^1], Is.EqualTo(new JobFailed(JobId, 1, 3, "Command exited with code 3.", StoppedAt)));
        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
    }
}

public class When_the_launcher_knows_nothing_of_an_attempt_that_did_not_start : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_launcher_answers_lost()
    {
        await GivenAStartingJob();
        await Given(FallDue<JobStartDeadlineReached>(), theJobIs: x => x.Starting);
        await When(LauncherKnowsNothingOf(attempt: 1), theJobIs: x => x.Queued);
    }

    [Test]
    public void Should_retry_for_the_reason_it_was_asked()
    {
        var retry = Recorded.OfType<JobRetryScheduled>().Single();
        Assert.That((retry.Attempt, retry.NextAttempt, retry.Reason), Is.EqualTo((1, 2, "The task did not start within 60 s.")));
        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }), "Attempt 2 launches once its back-off is over and it is admitted");
        Assert.That(Job.StartDeadlineToken, Is.Null);
    }
}

public class When_a_launch_failure_is_delivered_twice : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_failure_comes_again_while_the_launcher_is_asked()
    {
        await GivenAStartingJob();
        await Given(LaunchFailed(attempt: 1), theJobIs: x => x.Starting);
        await When(LaunchFailed(attempt: 1), theJobIs: x => x.Starting);
    }

    [Test]
    public void Should_ask_once_and_wait_for_the_answer()
    {
        Assert.That(PublishedSoFar<ReconcileTask>(), Is.EqualTo(new[] { WhatBecameOf(attempt: 1) }));
        Assert.That(Recorded.OfType<JobRetryScheduled>(), Is.Empty);
        Assert.That(LaunchesSoFar, Is.EqualTo(new[] { (JobId, 1) }));
    }
}

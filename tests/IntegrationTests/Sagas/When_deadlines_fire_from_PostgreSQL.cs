using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using MassTransit.Testing;

namespace EventPlatform.IntegrationTests.Sagas;

/// <summary>Every timer below is a row in PostgreSQL, written with the saga's state and published by the dispatcher.</summary>
[TestFixture]
public sealed class When_deadlines_fire_from_PostgreSQL
{
    private static readonly string[] TerminalEvents = ["JobSucceeded", "JobFailed", "JobTimedOut", "JobCancelled"];

    [Test]
    public async Task Should_time_out_a_running_job_and_ask_its_task_to_stop()
    {
        await using var platform = await SagaOnPostgres.StartAsync("deadline_run");
        var job = await platform.SubmitAsync(Guid.CreateVersion7(), timeoutSeconds: 1);
        await platform.SagaStateAsync(job.JobId, "Starting");

        await platform.Harness.Bus.Publish(new TaskStarted(job.JobId, 1, "task-1", DateTimeOffset.UtcNow));
        await platform.SagaStateAsync(job.JobId, "TimedOut");

        await platform.ExpectPublishedAsync<StopTask>(x => x.JobId == job.JobId && x.TaskId == "task-1");
        Assert.That(
            await platform.EventTypesAsync(job.JobId),
            Is.EqualTo(new[] { "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobTimedOut" }));
        Assert.That(await platform.PendingTimersAsync(job.JobId), Is.Zero, "an ended job holds no timer");
    }

    [Test]
    public async Task Should_retry_a_task_that_failed_to_start_and_tell_the_whole_story()
    {
        await using var platform = await SagaOnPostgres.StartAsync("deadline_retry");
        var job = await platform.SubmitAsync(Guid.CreateVersion7());
        await platform.SagaStateAsync(job.JobId, "Starting");

        await platform.Harness.Bus.Publish(new TaskStopped(job.JobId, 1, "task-1", null, "TaskFailedToStart", "CannotPullContainerError", DateTimeOffset.UtcNow));
        await platform.ExpectPublishedAsync<LaunchTask>(x => x.JobId == job.JobId && x.Attempt == 2);
        await platform.SagaStateAsync(job.JobId, "Starting");
        await platform.Harness.Bus.Publish(new TaskStarted(job.JobId, 2, "task-2", DateTimeOffset.UtcNow));
        await platform.Harness.Bus.Publish(new TaskStopped(job.JobId, 2, "task-2", 0, "EssentialContainerExited", null, DateTimeOffset.UtcNow));
        var done = await platform.SagaStateAsync(job.JobId, "Succeeded");

        Assert.That(done.Attempt, Is.EqualTo(2));
        Assert.That(await platform.EventTypesAsync(job.JobId), Is.EqualTo(new[]
        {
            "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobRetryScheduled",
            "JobQueued", "JobLaunchRequested", "JobStarted", "JobSucceeded",
        }));
        Assert.That(await platform.PendingTimersAsync(job.JobId), Is.Zero);
    }

    [Test]
    public async Task Should_recover_a_launch_lost_after_the_commit_through_the_start_deadline()
    {
        await using var platform = await SagaOnPostgres.StartAsync(
            "deadline_start",
            new Dictionary<string, string?> { ["JobLifecycle:StartTimeout"] = "00:00:01", ["JobLifecycle:ReconcileTimeout"] = "00:00:01" });
        var job = await platform.SubmitAsync(Guid.CreateVersion7());

        // Nobody answers attempt 1's LaunchTask, as if it was lost between the commit and the send, nor
        // the question the saga asks the launcher at the start deadline: the second deadline gives it up.
        await platform.ExpectPublishedAsync<ReconcileTask>(x => x == new ReconcileTask(job.JobId, 1, null) { RelaunchIfUnknown = true });
        await platform.ExpectPublishedAsync<StopTask>(x => x.JobId == job.JobId && x.Attempt == 1);
        await platform.ExpectPublishedAsync<LaunchTask>(x => x.JobId == job.JobId && x.Attempt == 2);
        await platform.Harness.Bus.Publish(new TaskStarted(job.JobId, 2, "task-2", DateTimeOffset.UtcNow));
        await platform.Harness.Bus.Publish(new TaskStopped(job.JobId, 2, "task-2", 0, "EssentialContainerExited", null, DateTimeOffset.UtcNow));
        await platform.SagaStateAsync(job.JobId, "Succeeded");

        var types = await platform.EventTypesAsync(job.JobId);
        Assert.That(types.Count(t => t == "JobRetryScheduled"), Is.EqualTo(1));
        Assert.That(types[^1], Is.EqualTo("JobSucceeded"));
    }

    [Test]
    public async Task Should_fail_a_job_whose_every_attempt_fails_to_start_with_the_last_reason()
    {
        await using var platform = await SagaOnPostgres.StartAsync(
            "deadline_exhaust",
            new Dictionary<string, string?> { ["JobLifecycle:StartTimeout"] = "00:00:00.500", ["JobLifecycle:ReconcileTimeout"] = "00:00:00.500" });
        var job = await platform.SubmitAsync(Guid.CreateVersion7(), maxAttempts: 2);

        var failed = await platform.SagaStateAsync(job.JobId, "Failed");

        Assert.That(failed.Attempt, Is.EqualTo(2));
        Assert.That(await platform.EventTypesAsync(job.JobId), Is.EqualTo(new[]
        {
            "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobRetryScheduled", "JobQueued", "JobLaunchRequested", "JobFailed",
        }));
        await using var session = platform.Store.QuerySession();
        var last = (await Marten.QueryableExtensions.ToListAsync(session.Events.QueryRawEventDataOnly<JobFailed>())).Single();
        Assert.That(last.Reason, Is.EqualTo("The task did not start within 0.5 s. (attempt 2 of 2)"));
    }

    [Test]
    public async Task Should_take_up_a_submission_whose_publish_was_lost()
    {
        await using var platform = await SagaOnPostgres.StartAsync(
            "deadline_submission", new Dictionary<string, string?> { ["JobLifecycle:SubmissionRecoveryDelay"] = "00:00:01" });

        var job = await platform.SubmitAsync(Guid.CreateVersion7(), publish: false);

        await platform.SagaStateAsync(job.JobId, "Starting");
        await platform.ExpectPublishedAsync<LaunchTask>(x => x.JobId == job.JobId);
        Assert.That(await platform.EventTypesAsync(job.JobId), Is.EqualTo(new[] { "JobSubmitted", "JobQueued", "JobLaunchRequested" }));
    }

    [Test]
    public async Task Should_cancel_a_job_whose_task_never_confirms_the_stop()
    {
        await using var platform = await SagaOnPostgres.StartAsync(
            "deadline_stop", new Dictionary<string, string?> { ["JobLifecycle:StopTimeout"] = "00:00:01" });
        var job = await platform.SubmitAsync(Guid.CreateVersion7());
        await platform.SagaStateAsync(job.JobId, "Starting");
        await platform.Harness.Bus.Publish(new TaskStarted(job.JobId, 1, "task-1", DateTimeOffset.UtcNow));
        await platform.SagaStateAsync(job.JobId, "Running");

        await platform.Harness.Bus.Publish(new CancelJob(job.JobId, "alice", "not needed"));
        await platform.SagaStateAsync(job.JobId, "Cancelled");

        await platform.ExpectPublishedAsync<StopTask>(x => x.JobId == job.JobId && x.TaskId == "task-1");
        var types = await platform.EventTypesAsync(job.JobId);
        Assert.That(types.TakeLast(2), Is.EqualTo(new[] { "JobCancelRequested", "JobCancelled" }));
        Assert.That(types.Count(t => TerminalEvents.Contains(t)), Is.EqualTo(1));
        Assert.That(await platform.PendingTimersAsync(job.JobId), Is.Zero);
    }
}

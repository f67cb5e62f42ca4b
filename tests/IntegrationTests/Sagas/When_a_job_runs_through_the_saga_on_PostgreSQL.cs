using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Projections.JobStatus;
using MassTransit.Testing;

namespace EventPlatform.IntegrationTests.Sagas;

[TestFixture]
public sealed class When_a_job_runs_through_the_saga_on_PostgreSQL
{
    [Test]
    public async Task Should_commit_state_events_and_status_together_at_every_step()
    {
        await using var platform = await SagaOnPostgres.StartAsync("saga_flow");
        var conversationId = Guid.CreateVersion7();
        var job = await platform.SubmitAsync(conversationId);

        Assert.That(await platform.Harness.Published.Any<LaunchTask>(x => x.Context.Message.JobId == job.JobId), Is.True);
        var starting = await platform.SagaStateAsync(job.JobId, "Starting");
        Assert.That(starting.Attempt, Is.EqualTo(1));
        Assert.That(await platform.EventTypesAsync(job.JobId), Is.EqualTo(new[] { "JobSubmitted", "JobQueued", "JobLaunchRequested" }));
        Assert.That((await StatusAsync(platform, job.JobId))!.State, Is.EqualTo(JobPhase.Starting));

        await platform.Harness.Bus.Publish(new TaskStarted(job.JobId, 1, "task-1", DateTimeOffset.UtcNow));
        await platform.SagaStateAsync(job.JobId, "Running");
        await platform.Harness.Bus.Publish(new TaskStopped(job.JobId, 1, "task-1", 0, "EssentialContainerExited", null, DateTimeOffset.UtcNow));
        var done = await platform.SagaStateAsync(job.JobId, "Succeeded");

        Assert.That(done.TaskId, Is.EqualTo("task-1"));
        Assert.That(
            await platform.EventTypesAsync(job.JobId),
            Is.EqualTo(new[] { "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobSucceeded" }));
        var status = await StatusAsync(platform, job.JobId);
        Assert.That(status!.State, Is.EqualTo(JobPhase.Succeeded));
        Assert.That(status.ExitCode, Is.Zero);

        await using var session = platform.Store.QuerySession();
        var stream = await session.Events.FetchStreamAsync(job.JobId);
        Assert.That(stream.Select(e => e.CorrelationId), Is.All.EqualTo(conversationId.ToString("N")), "one correlation id ties the job's story together");
        Assert.That(stream.Skip(1).Select(e => e.CausationId), Is.All.Not.Null.And.Not.Empty, "each saga event names the message that caused it");
    }

    private static async Task<JobStatusView?> StatusAsync(SagaOnPostgres platform, Guid jobId)
    {
        await using var session = platform.Store.QuerySession();
        return await session.LoadAsync<JobStatusView>(jobId);
    }
}

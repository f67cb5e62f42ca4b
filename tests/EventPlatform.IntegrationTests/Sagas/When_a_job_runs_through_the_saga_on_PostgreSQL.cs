using EventPlatform.Contracts.Tasks;
using EventPlatform.Projections.JobStatus;
using EventPlatform.Sagas.Jobs;
using EventPlatform.Testing;
using Marten;
using MassTransit.Testing;

namespace EventPlatform.IntegrationTests.Sagas;

[TestFixture]
public sealed class When_a_job_runs_through_the_saga_on_PostgreSQL
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Should_commit_state_events_and_status_together_at_every_step()
    {
        await using var platform = await SagaOnPostgres.StartAsync("saga_flow");
        var conversationId = Guid.CreateVersion7();
        var job = await platform.SubmitAsync(conversationId);

        Assert.That(await platform.Harness.Published.Any<LaunchTask>(x => x.Context.Message.JobId == job.JobId), Is.True);
        var starting = await SagaStateAsync(platform, job.JobId, "Starting");
        Assert.That(starting.Attempt, Is.EqualTo(1));
        Assert.That(await platform.EventTypesAsync(job.JobId), Is.EqualTo(new[] { "JobSubmitted", "JobQueued", "JobLaunchRequested" }));
        Assert.That((await StatusAsync(platform, job.JobId))!.State, Is.EqualTo(JobPhase.Starting));

        await platform.Harness.Bus.Publish(new TaskStarted(job.JobId, 1, "task-1", DateTimeOffset.UtcNow));
        await SagaStateAsync(platform, job.JobId, "Running");
        await platform.Harness.Bus.Publish(new TaskStopped(job.JobId, 1, "task-1", 0, "EssentialContainerExited", null, DateTimeOffset.UtcNow));
        var done = await SagaStateAsync(platform, job.JobId, "Succeeded");

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

    [Test]
    public async Task Should_end_each_job_once_when_its_task_events_arrive_shuffled_and_duplicated()
    {
        await using var platform = await SagaOnPostgres.StartAsync("saga_shuffle");
        var jobs = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            jobs.Add((await platform.SubmitAsync(Guid.CreateVersion7())).JobId);
        }

        foreach (var jobId in jobs)
        {
            await SagaStateAsync(platform, jobId, "Starting");
        }

        var random = new Random(2026);
        var deliveries = jobs.SelectMany((jobId, index) =>
        {
            var exitCode = index % 2;
            object started = new TaskStarted(jobId, 1, $"task-{index}", DateTimeOffset.UtcNow);
            object stopped = new TaskStopped(jobId, 1, $"task-{index}", exitCode, "EssentialContainerExited", null, DateTimeOffset.UtcNow);
            return new[] { started, stopped, stopped, started };
        }).OrderBy(_ => random.Next()).ToList();
        await Task.WhenAll(deliveries.Select(message => platform.Harness.Bus.Publish(message, message.GetType())));

        for (var index = 0; index < jobs.Count; index++)
        {
            var expected = index % 2 == 0 ? "Succeeded" : "Failed";
            await SagaStateAsync(platform, jobs[index], expected);
            var types = await platform.EventTypesAsync(jobs[index]);
            Assert.That(types.Count(t => t is "JobSucceeded" or "JobFailed" or "JobTimedOut"), Is.EqualTo(1), $"job {index}: {string.Join(", ", types)}");
        }
    }

    private static async Task<JobState> SagaStateAsync(SagaOnPostgres platform, Guid jobId, string state) =>
        (await Eventually.MatchAsync(
            async () =>
            {
                await using var session = platform.Store.QuerySession();
                return await session.LoadAsync<JobState>(jobId);
            },
            saga => saga?.CurrentState == state,
            Patience,
            $"job {jobId} to reach {state}"))!;

    private static async Task<JobStatusView?> StatusAsync(SagaOnPostgres platform, Guid jobId)
    {
        await using var session = platform.Store.QuerySession();
        return await session.LoadAsync<JobStatusView>(jobId);
    }
}

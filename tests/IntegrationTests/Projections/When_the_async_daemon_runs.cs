using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections;
using EventPlatform.Projections.JobTimeline;
using EventPlatform.Testing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventPlatform.IntegrationTests.Projections;

[TestFixture]
public sealed class When_the_async_daemon_runs
{
    [Test]
    public async Task Should_build_the_job_timeline_from_the_stream()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("daemon");
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration["ConnectionStrings:Postgres"] = connectionString;
            builder.Configuration["EventStore:RunAsyncDaemon"] = "true";
            builder.Services.AddProjections(builder.Configuration);
            using var host = builder.Build();
            await host.StartAsync();

            var store = host.Services.GetRequiredService<IDocumentStore>();
            var jobId = Guid.CreateVersion7();
            var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
            await using (var session = store.LightweightSession())
            {
                session.Events.StartStream(jobId,
                    new JobSubmitted(jobId, "alice", new JobSpec(["true"], 60, JobPriority.High, new Dictionary<string, string>()), at),
                    new JobQueued(jobId, 1, at),
                    new JobLaunchRequested(jobId, 1, at),
                    new JobStarted(jobId, 1, "task-1", at.AddSeconds(1)),
                    new JobFailed(jobId, 1, 2, "Command exited with code 2.", at.AddSeconds(3)));
                await session.SaveChangesAsync();
            }

            var timeline = await Eventually.MatchAsync(
                async () =>
                {
                    await using var query = store.QuerySession();
                    return await query.LoadAsync<JobTimelineView>(jobId);
                },
                view => view?.Entries.Count == 5,
                TimeSpan.FromSeconds(30),
                "the async daemon to project the timeline");

            Assert.That(timeline!.Entries.Select(e => e.Event), Is.EqualTo(new[] { "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobFailed" }));
            Assert.That(timeline.Entries.Select(e => e.Version), Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));
            Assert.That(timeline.Entries[0].Detail, Is.EqualTo("High priority, by alice"));
            Assert.That(timeline.Entries[^1].Detail, Is.EqualTo("Command exited with code 2."));
            Assert.That(timeline.Entries[^1].At, Is.EqualTo(at.AddSeconds(3)));

            await host.StopAsync();
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }
}

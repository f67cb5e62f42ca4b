using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections;
using EventPlatform.Sagas.Jobs;
using EventPlatform.Sagas.Persistence;
using EventPlatform.Testing;
using JasperFx;
using Marten;

namespace EventPlatform.IntegrationTests.Sagas;

[TestFixture]
public sealed class When_two_writers_race_on_one_saga
{
    [Test]
    public async Task Should_reject_the_stale_writer_and_keep_none_of_its_events()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("saga_race");
        try
        {
            using var store = DocumentStore.For(options => options
                .ConfigureEventStore(connectionString, "eventplatform")
                .MapEventSourcedSaga<JobState>());
            var jobId = Guid.CreateVersion7();
            await using (var setup = store.LightweightSession())
            {
                setup.Events.StartStream(jobId, new JobQueued(jobId, 1, DateTimeOffset.UtcNow));
                setup.Insert(new JobState { CorrelationId = jobId, CurrentState = "Starting", Attempt = 1 });
                await setup.SaveChangesAsync();
            }

            await using var first = store.LightweightSession();
            await using var second = store.LightweightSession();
            var firstState = (await first.LoadAsync<JobState>(jobId))!;
            var secondState = (await second.LoadAsync<JobState>(jobId))!;

            firstState.CurrentState = "Running";
            first.Store(firstState);
            first.Events.Append(jobId, new JobStarted(jobId, 1, "task-a", DateTimeOffset.UtcNow));
            await first.SaveChangesAsync();

            secondState.CurrentState = "Failed";
            second.Store(secondState);
            second.Events.Append(jobId, new JobFailed(jobId, 1, 1, "stale writer", DateTimeOffset.UtcNow));
            Assert.That(async () => await second.SaveChangesAsync(), Throws.InstanceOf<ConcurrencyException>());

            await using var read = store.QuerySession();
            Assert.That((await read.LoadAsync<JobState>(jobId))!.CurrentState, Is.EqualTo("Running"));
            var stream = await read.Events.FetchStreamAsync(jobId);
            Assert.That(stream.Select(e => e.EventType.Name), Is.EqualTo(new[] { "JobQueued", "JobStarted" }));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }
}

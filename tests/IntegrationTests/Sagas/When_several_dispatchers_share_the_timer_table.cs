using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections;
using EventPlatform.Sagas.Scheduling;
using EventPlatform.Testing;
using Marten;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EventPlatform.IntegrationTests.Sagas;

[TestFixture]
public sealed class When_several_dispatchers_share_the_timer_table
{
    private const int Timers = 600;

    [Test]
    public async Task Should_publish_every_due_message_exactly_once_and_leave_future_ones()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("dispatchers");
        await using var provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(validateScopes: true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        try
        {
            using var store = DocumentStore.For(options => options.ConfigureEventStore(connectionString, "eventplatform").AddScheduledMessages());
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            var jobId = Guid.CreateVersion7();
            var now = DateTimeOffset.UtcNow;
            await using (var session = store.LightweightSession())
            {
                for (var i = 0; i < Timers; i++)
                {
                    session.QueueSchedule(new ScheduledDelivery(Guid.CreateVersion7(), now.AddSeconds(-1), new JobRetryDue(jobId, i, Guid.CreateVersion7())), null);
                }

                session.QueueSchedule(new ScheduledDelivery(Guid.CreateVersion7(), now.AddHours(1), new JobRetryDue(jobId, -1, Guid.CreateVersion7())), null);
                await session.SaveChangesAsync();
            }

            var options = Options.Create(new SchedulerOptions { BatchSize = 25 });
            var dispatchers = Enumerable.Range(0, 3)
                .Select(_ => new ScheduledMessageDispatcher(store, harness.Bus, options, NullLogger<ScheduledMessageDispatcher>.Instance))
                .ToList();
            var table = $"eventplatform.{ScheduledMessageTable.Name}";
            var dispatched = await Task.WhenAll(dispatchers.Select(async dispatcher =>
            {
                var total = 0;
                while (await dispatcher.DispatchDueAsync(table, CancellationToken.None) is var batch and > 0)
                {
                    total += batch;
                }

                return total;
            }));

            Assert.That(dispatched.Sum(), Is.EqualTo(Timers));
            Assert.That(await harness.Published.Any<JobRetryDue>(), Is.True);
            var published = harness.Published.Select<JobRetryDue>().Select(m => m.Context.Message).ToList();
            Assert.That(published, Has.Count.EqualTo(Timers));
            Assert.That(published.Select(m => m.NextAttempt).Distinct().Count(), Is.EqualTo(Timers), "no timer is published twice");
            Assert.That(published.Select(m => m.NextAttempt), Has.None.EqualTo(-1), "a timer not yet due stays");

            // Each dispatched row waits, re-armed, for its consumer's acknowledgement; none is due again yet.
            await using var query = store.QuerySession();
            Assert.That((await query.QueryAsync<int>($"select count(*)::int from {table} where due_at <= now()"))[0], Is.Zero);
            Assert.That((await query.QueryAsync<int>($"select count(*)::int from {table}"))[0], Is.EqualTo(Timers + 1));
        }
        finally
        {
            await harness.Stop();
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }
}

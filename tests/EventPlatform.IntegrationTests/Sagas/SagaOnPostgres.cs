using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections;
using EventPlatform.Sagas;
using EventPlatform.Testing;
using Marten;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EventPlatform.IntegrationTests.Sagas;

/// <summary>The lifecycle saga with its real Marten repository on a database of its own, over the test harness's bus.</summary>
internal sealed class SagaOnPostgres : IAsyncDisposable
{
    private SagaOnPostgres(ServiceProvider provider, string connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
    }

    public ServiceProvider Provider { get; }

    public string ConnectionString { get; }

    public ITestHarness Harness => Provider.GetRequiredService<ITestHarness>();

    public IDocumentStore Store => Provider.GetRequiredService<IDocumentStore>();

    public static async Task<SagaOnPostgres> StartAsync(string purpose)
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync(purpose);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = connectionString,
                ["EventStore:RunAsyncDaemon"] = "false",
                ["JobLifecycle:RunDeadlineGrace"] = "00:00:00",
            })
            .Build();

        var services = new ServiceCollection()
            .AddLogging()
            .AddEventStore(configuration)
            .AddSagas(configuration)
            .AddMassTransitTestHarness(bus => bus.AddSagaConsumers());
        var provider = services.BuildServiceProvider(validateScopes: true);
        await provider.GetRequiredService<ITestHarness>().Start();
        return new SagaOnPostgres(provider, connectionString);
    }

    /// <summary>What <c>POST /jobs</c> does: start the job's stream, then publish the submission.</summary>
    public async Task<JobSubmitted> SubmitAsync(Guid conversationId, int timeoutSeconds = 60)
    {
        var submitted = new JobSubmitted(
            Guid.CreateVersion7(),
            "integration",
            new JobSpec(["sh", "-c", "true"], timeoutSeconds, JobPriority.Normal, new Dictionary<string, string>()),
            DateTimeOffset.UtcNow);
        await using (var session = Store.LightweightSession())
        {
            session.CorrelationId = conversationId.ToString("N");
            session.Events.StartStream(submitted.JobId, submitted);
            await session.SaveChangesAsync();
        }

        await Harness.Bus.Publish(submitted, context => context.ConversationId = conversationId);
        return submitted;
    }

    public async Task<IReadOnlyList<string>> EventTypesAsync(Guid jobId)
    {
        await using var session = Store.QuerySession();
        var stream = await session.Events.FetchStreamAsync(jobId);
        return [.. stream.Select(e => e.EventType.Name)];
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await Provider.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(ConnectionString);
    }
}

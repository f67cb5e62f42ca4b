using EventPlatform.Contracts.Jobs;
using EventPlatform.EcsBridge;
using EventPlatform.LocalTasks;
using EventPlatform.Projections;
using EventPlatform.Sagas;
using EventPlatform.Sagas.Jobs;
using EventPlatform.Testing;
using Marten;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventPlatform.IntegrationTests.Sagas;

/// <summary>
/// The lifecycle saga with its real Marten repository and durable timer dispatcher, over the test
/// harness's bus. Several may share one database, as several processes would.
/// </summary>
internal sealed class SagaOnPostgres : IAsyncDisposable
{
    private readonly bool ownsDatabase;

    private SagaOnPostgres(ServiceProvider provider, string connectionString, bool ownsDatabase)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.ownsDatabase = ownsDatabase;
    }

    public ServiceProvider Provider { get; }

    public string ConnectionString { get; }

    public ITestHarness Harness => Provider.GetRequiredService<ITestHarness>();

    public IDocumentStore Store => Provider.GetRequiredService<IDocumentStore>();

    public TimeSpan SubmissionRecoveryDelay { get; private set; }

    /// <summary>
    /// Starts a saga host; <paramref name="settings"/> overrides configuration (JobLifecycle:StartTimeout ...),
    /// <paramref name="sharedConnectionString"/> joins another host's database, and
    /// <paramref name="fakeLauncher"/> answers LaunchTask and StopTask as tasks would (<see cref="FakeLauncher"/>);
    /// <paramref name="faults"/> instead runs the real task bridge with the instant launcher and the reconciler,
    /// and lets the test drop, repeat or delay the messages they publish.
    /// </summary>
    public static async Task<SagaOnPostgres> StartAsync(
        string purpose,
        IReadOnlyDictionary<string, string?>? settings = null,
        string? sharedConnectionString = null,
        bool fakeLauncher = false,
        MessageFaults? faults = null)
    {
        var connectionString = sharedConnectionString ?? await TestPostgres.CreateDatabaseAsync(purpose);
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["EventStore:RunAsyncDaemon"] = "false",
            ["JobLifecycle:RunDeadlineGrace"] = "00:00:00",
            ["JobLifecycle:RetryBackoffBase"] = "00:00:00.100",
            ["JobLifecycle:RetryBackoffMax"] = "00:00:00.500",
            ["Scheduler:PollInterval"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddEventStore(configuration)
            .AddLifecycleStore(configuration)
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddSagas(configuration);
                if (fakeLauncher)
                {
                    bus.AddConsumer<FakeLauncher>();
                }

                if (faults is not null)
                {
                    bus.AddEcsBridge(configuration, onEcs: false);
                    bus.AddLocalTasks(configuration, LocalLauncher.Instant);
                    bus.AddSingleton(faults);
                    bus.UsingInMemory((context, cfg) =>
                    {
                        cfg.UseConsumeFilter(typeof(FaultyConsumeFilter<>), context);
                        cfg.ConfigureEndpoints(context);
                    });
                }
            });
        var provider = services.BuildServiceProvider(validateScopes: true);
        await provider.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await provider.GetRequiredService<ITestHarness>().Start();
        faults?.Bus = provider.GetRequiredService<IBus>();
        foreach (var service in provider.GetServices<IHostedService>().Where(s =>
            s.GetType().Name is "ScheduledMessageDispatcher" or "AdmissionController" || (faults is not null && s.GetType().Name == "TaskReconciler")))
        {
            await service.StartAsync(CancellationToken.None);
        }

        var platform = new SagaOnPostgres(provider, connectionString, ownsDatabase: sharedConnectionString is null)
        {
            SubmissionRecoveryDelay = configuration.GetValue<TimeSpan?>("JobLifecycle:SubmissionRecoveryDelay") ?? TimeSpan.FromSeconds(30),
        };
        return platform;
    }

    /// <summary>What <c>POST /jobs</c> does; <paramref name="publish"/> false plays a publish lost after the commit.</summary>
    public async Task<JobSubmitted> SubmitAsync(
        Guid conversationId,
        int timeoutSeconds = 60,
        int maxAttempts = JobSpec.DefaultMaxAttempts,
        bool publish = true,
        string user = "integration",
        JobPriority priority = JobPriority.Normal,
        int durationMs = 0)
    {
        var submitted = new JobSubmitted(
            Guid.CreateVersion7(),
            user,
            new JobSpec(
                ["sh", "-c", "true"],
                timeoutSeconds,
                priority,
                new Dictionary<string, string> { [FakeLauncher.DurationVariable] = durationMs.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                MaxAttempts = maxAttempts,
            },
            DateTimeOffset.UtcNow);
        await using (var session = Store.LightweightSession())
        {
            JobSubmission.Stage(session, submitted, conversationId, SubmissionRecoveryDelay);
            await session.SaveChangesAsync();
        }

        if (publish)
        {
            await Harness.Bus.Publish(submitted, context => context.ConversationId = conversationId);
        }

        return submitted;
    }

    public async Task<IReadOnlyList<string>> EventTypesAsync(Guid jobId)
    {
        await using var session = Store.QuerySession();
        var stream = await session.Events.FetchStreamAsync(jobId);
        return [.. stream.Select(e => e.EventType.Name)];
    }

    public async Task<JobState> SagaStateAsync(Guid jobId, string state, TimeSpan? patience = null) =>
        (await Eventually.MatchAsync(
            async () =>
            {
                await using var session = Store.QuerySession();
                return await session.LoadAsync<JobState>(jobId);
            },
            saga => saga?.CurrentState == state,
            patience ?? TimeSpan.FromSeconds(30),
            $"job {jobId} to reach {state}"))!;

    /// <summary>
    /// Waits until the bus has carried a <typeparamref name="T"/> matching <paramref name="match"/>: a
    /// message a timer or the admission controller sends can take longer on a busy machine than the
    /// harness's inactivity timeout, which is all <c>Published.Any</c> waits for.
    /// </summary>
    public Task ExpectPublishedAsync<T>(Func<T, bool> match, TimeSpan? patience = null)
        where T : class =>
        Eventually.MatchAsync(
            () => Task.FromResult(Harness.Published.Select<T>().Any(x => match(x.Context.Message))),
            published => published,
            patience ?? TimeSpan.FromSeconds(30),
            $"a {typeof(T).Name} like the one expected");

    public async Task<int> PendingTimersAsync(Guid jobId)
    {
        await using var session = Store.QuerySession();
        var rows = await session.QueryAsync<int>(
            $"select count(*)::int from {Store.Options.DatabaseSchemaName}.ep_scheduled_messages where body->>'jobId' = ?", jobId.ToString());
        return rows[0];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in Provider.GetServices<IHostedService>())
        {
            await service.StopAsync(CancellationToken.None);
        }

        await Harness.Stop();
        await Provider.DisposeAsync();
        if (ownsDatabase)
        {
            await TestPostgres.DropDatabaseAsync(ConnectionString);
        }
    }
}

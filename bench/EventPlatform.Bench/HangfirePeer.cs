using System.Diagnostics;
using Hangfire;
using Hangfire.PostgreSql;
using Npgsql;

namespace EventPlatform.Bench;

/// <summary>
/// The peer: Hangfire.Core + Hangfire.PostgreSql on the same cluster (database <c>hangfire_bench</c>),
/// with a BackgroundJobServer in this process running no-op jobs.
/// </summary>
internal sealed class HangfirePeer : IDisposable
{
    public const string Database = "hangfire_bench";

    private readonly BackgroundJobServer server;
    private readonly BackgroundJobClient client;

    private HangfirePeer(BackgroundJobServer server, BackgroundJobClient client, int workers)
    {
        this.server = server;
        this.client = client;
        Workers = workers;
    }

    public int Workers { get; }

    public static TimeSpan QueuePollInterval { get; } = TimeSpan.FromMilliseconds(100);

    public static async Task<HangfirePeer> StartAsync(Settings settings)
    {
        await using (var connection = new NpgsqlConnection(settings.ConnectionString("postgres")))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var drop = new NpgsqlCommand($"drop database if exists {Database} with (force)", connection);
            await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
            await using var create = new NpgsqlCommand($"create database {Database}", connection);
            await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        var connectionString = settings.ConnectionString(Database);
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(
                options => options.UseNpgsqlConnection(connectionString),
                new PostgreSqlStorageOptions { QueuePollInterval = QueuePollInterval, PrepareSchemaIfNecessary = true });
        var workers = Math.Min(Environment.ProcessorCount * 5, 20);
        var server = new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = workers });
        return new HangfirePeer(server, new BackgroundJobClient(), workers);
    }

    /// <summary>Enqueues <paramref name="jobs"/> with <paramref name="clients"/> concurrent callers and waits until all ran.</summary>
    public async Task<PeerRun> RunAsync(int clients, int jobs, TimeSpan cap)
    {
        NoOpJob.Reset();
        var clock = Stopwatch.StartNew();
        var enqueue = await ClosedLoop.RunAsync(clients, jobs, cap, _ => Task.FromResult(client.Enqueue(() => NoOpJob.Run())))
            .ConfigureAwait(false);
        var expected = enqueue.Latency.Count;
        while (NoOpJob.Done < expected && clock.Elapsed < cap + cap)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }

        var processed = NoOpJob.Done;
        return new PeerRun(clients, expected, processed, enqueue.PerSecond, enqueue.Latency, NoOpJob.LastDoneAt.TotalSeconds,
            processed / NoOpJob.LastDoneAt.TotalSeconds);
    }

    public void Dispose()
    {
        server.SendStop();
        server.Dispose();
    }
}

internal sealed record PeerRun(
    int Clients, int Enqueued, int Processed, double EnqueuedPerSecond, LatencyStats EnqueueLatency, double Seconds, double JobsPerSecond);

/// <summary>The job Hangfire runs: it only counts itself.</summary>
internal static class NoOpJob
{
    private static readonly Stopwatch Clock = new();
    private static int done;
    private static long lastDoneTicks;

    public static int Done => Volatile.Read(ref done);

    public static TimeSpan LastDoneAt => TimeSpan.FromTicks(Interlocked.Read(ref lastDoneTicks));

    public static void Reset()
    {
        Interlocked.Exchange(ref done, 0);
        Interlocked.Exchange(ref lastDoneTicks, 0);
        Clock.Restart();
    }

    public static void Run()
    {
        Interlocked.Increment(ref done);
        Interlocked.Exchange(ref lastDoneTicks, Clock.Elapsed.Ticks);
    }
}

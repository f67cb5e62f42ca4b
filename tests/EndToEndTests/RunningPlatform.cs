using System.Text;
using EventPlatform.Testing;

namespace EventPlatform.EndToEndTests;

/// <summary>
/// The platform as real host processes on free loopback ports, with a database of its own: the
/// all-in-one host, or the host split in two over RabbitMQ.
/// </summary>
internal sealed class RunningPlatform : IAsyncDisposable
{
    /// <summary>Timers short enough for tests, long enough for a busy two-core machine.</summary>
    public const string AliceKey = "alice-key";
    public const string BobKey = "bob-key";
    public const string AdminKey = "admin-key";

    private static readonly Dictionary<string, string> TestSettings = new()
    {
        ["Auth__ApiKeys__0__Key"] = AliceKey,
        ["Auth__ApiKeys__0__User"] = "alice",
        ["Auth__ApiKeys__1__Key"] = BobKey,
        ["Auth__ApiKeys__1__User"] = "bob",
        ["Auth__ApiKeys__2__Key"] = AdminKey,
        ["Auth__ApiKeys__2__User"] = "root",
        ["Auth__ApiKeys__2__Admin"] = "true",
        ["LocalLauncher__StopGrace"] = "00:00:02",
        ["JobLifecycle__RunDeadlineGrace"] = "00:00:01",
        ["JobLifecycle__RetryBackoffBase"] = "00:00:00.200",
        ["JobLifecycle__RetryBackoffMax"] = "00:00:01",
        ["JobLifecycle__StopTimeout"] = "00:00:10",
        ["Scheduler__PollInterval"] = "00:00:00.100",
        ["Admission__MaxRunning"] = "64",
        ["Admission__MaxRunningPerUser"] = "64",
        ["Admission__PollInterval"] = "00:00:00.050",
        ["RateLimits__Submissions__Burst"] = "1000",
        ["RateLimits__Submissions__PerSecond"] = "1000",
    };

    private readonly StringBuilder output = new();
    private readonly string connectionString;
    private readonly string workRoot;
    private readonly Dictionary<string, string> settings;
    private readonly string? virtualHost;
    private HostProcess? host;
    private HostProcess? workers;

    private RunningPlatform(string connectionString, string workRoot, Dictionary<string, string> settings, string? virtualHost)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{HostProcess.FreePort()}");
        Http = ClientFor(AliceKey);
        this.connectionString = connectionString;
        this.workRoot = workRoot;
        this.settings = settings;
        this.virtualHost = virtualHost;
        settings["ConnectionStrings__Postgres"] = connectionString;
        settings.TryAdd("LocalLauncher__WorkRoot", workRoot);
        settings.TryAdd("Artifacts__LocalRoot", ArtifactsRoot);
    }

    public Uri BaseAddress { get; }

    /// <summary>The platform's own database, for tests that change it behind the platform's back.</summary>
    public string ConnectionString => connectionString;

    /// <summary>The local artifact store and live logs, inside the platform's own folder.</summary>
    public string ArtifactsRoot => Path.Combine(workRoot, ".artifacts");

    /// <summary>Calls as alice.</summary>
    public HttpClient Http { get; }

    /// <summary>The RabbitMQ virtual host of a split platform.</summary>
    public string VirtualHost => virtualHost ?? throw new InvalidOperationException("The all-in-one platform has no broker.");

    /// <summary>A client calling with <paramref name="apiKey"/>, or with no key at all.</summary>
    public HttpClient ClientFor(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Every module in one process over the in-memory bus: the embedded default.</summary>
    /// <param name="overrides">Configuration for the host, as environment variables (JobLifecycle__StartTimeout ...).</param>
    /// <param name="connectionString">A database the test made (the platform drops it when disposed); else a new one.</param>
    public static async Task<RunningPlatform> StartAsync(IReadOnlyDictionary<string, string>? overrides = null, string? connectionString = null)
    {
        var platform = new RunningPlatform(
            connectionString ?? await TestPostgres.CreateDatabaseAsync("e2e"),
            Directory.CreateTempSubdirectory("ep-e2e-tasks-").FullName,
            WithOverrides(overrides),
            virtualHost: null);
        await platform.StartHostAsync();
        return platform;
    }

    /// <summary>
    /// The platform as AWS runs it: one process with the Api module and one with Sagas, EcsBridge
    /// and Projections, over RabbitMQ (a virtual host of the test broker of its own) and one database.
    /// </summary>
    public static async Task<RunningPlatform> StartSplitAsync(IReadOnlyDictionary<string, string>? overrides = null)
    {
        var virtualHost = await TestRabbitMq.CreateVirtualHostAsync("e2e");
        var settings = WithOverrides(overrides);
        settings["Bus__Transport"] = "RabbitMQ";
        settings["Bus__RabbitMq__Host"] = TestRabbitMq.Broker;
        settings["Bus__RabbitMq__VirtualHost"] = virtualHost;
        var platform = new RunningPlatform(
            await TestPostgres.CreateDatabaseAsync("e2e"),
            Directory.CreateTempSubdirectory("ep-e2e-tasks-").FullName,
            settings,
            virtualHost);
        await platform.StartWorkersAsync();
        await platform.StartHostAsync();
        return platform;
    }

    /// <summary>SIGKILL to the host alone, as a crash would: no shutdown, nothing flushed.</summary>
    public Task KillAsync() => host!.KillAsync();

    /// <summary>A new host process on the same database and port.</summary>
    public Task RestartAsync() => StartHostAsync();

    public bool WorkersRunning => workers is not null;

    /// <summary>SIGKILL to the Sagas, EcsBridge and Projections process of a split platform.</summary>
    public async Task KillWorkersAsync()
    {
        await workers!.KillAsync();
        workers.Dispose();
        workers = null;
    }

    /// <summary>Starts the Sagas, EcsBridge and Projections process of a split platform.</summary>
    public async Task StartWorkersAsync() =>
        workers = await HostProcess.StartAsync(With("Host__Modules", "Sagas,EcsBridge,Projections"), output, HostProcess.FreePort());

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        host?.Dispose();
        workers?.Dispose();
        await TestPostgres.DropDatabaseAsync(connectionString);
        if (virtualHost is not null)
        {
            await TestRabbitMq.DeleteVirtualHostAsync(virtualHost);
        }

        Directory.Delete(workRoot, recursive: true);
    }

    private static Dictionary<string, string> WithOverrides(IReadOnlyDictionary<string, string>? overrides)
    {
        var settings = new Dictionary<string, string>(TestSettings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return settings;
    }

    private Dictionary<string, string> With(string key, string value) => new(settings) { [key] = value };

    private async Task StartHostAsync()
    {
        host?.Dispose();
        host = await HostProcess.StartAsync(virtualHost is null ? settings : With("Host__Modules", "Api"), output, BaseAddress.Port);
    }
}

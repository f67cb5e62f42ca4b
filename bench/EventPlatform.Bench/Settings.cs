using System.Globalization;

namespace EventPlatform.Bench;

/// <summary>What bench.sh hands over, through the environment (EP_BENCH_*), and the loads of this mode.</summary>
internal sealed record Settings(
    Uri Url,
    string ApiKey,
    int HostPid,
    int PgPort,
    string AppDatabase,
    string PgBench,
    string Output,
    bool Quick,
    LocalHost? Local,
    string? TraceFolder,
    LocalHost? Quiet = null)
{
    public const string SchemaName = "eventplatform";

    /// <summary>Every projection the rebuild stage rebuilds, one at a time.</summary>
    public static readonly string[] Projections = ["JobStatus", "JobTimeline", "UserJobStats", "QueueStats"];

    public int[] SubmissionClients => Quick ? [2] : [4, 32];
    public int SubmissionJobs => Quick ? 20 : 2000;
    public int[] LifecycleClients => Quick ? [2] : [8, 32];
    public int LifecycleJobs => Quick ? 20 : 2000;
    public int UnloadedJobs => Quick ? 5 : 100;
    public int[] StatusClients => Quick ? [1] : [1, 16];
    public int StatusRequests => Quick ? 20 : 3000;
    public int[] PgBenchClients => Quick ? [2] : [8, 32];
    public int PgBenchSeconds => Quick ? 2 : 10;
    public TimeSpan StageCap => Quick ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(40);

    /// <summary>How many jobs the store holds for the status queries (finished jobs are appended up to it).</summary>
    public int StoreJobs => Quick ? 500 : 100_000;

    /// <summary>How many jobs the memory stage holds in flight at once.</summary>
    public int InFlightJobs => Quick ? 50 : 10_000;

    /// <summary>Loads for the host with the real local launcher (sandboxed processes): fewer, since each job is a process.</summary>
    public int LocalUnloadedJobs => Quick ? 3 : 30;
    public int LocalLifecycleJobs => Quick ? 10 : 300;
    public int LocalLifecycleClients => 8;

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={PgPort};Username=postgres;Database={database};Maximum Pool Size=64";

    public static Settings FromEnvironment(string[] args) => new(
        new Uri(Required("EP_BENCH_URL")),
        Required("EP_BENCH_API_KEY"),
        int.Parse(Required("EP_BENCH_HOST_PID"), CultureInfo.InvariantCulture),
        int.Parse(Required("EP_BENCH_PG_PORT"), CultureInfo.InvariantCulture),
        Required("EP_BENCH_APP_DB"),
        Required("EP_BENCH_PGBENCH"),
        Required("EP_BENCH_OUT"),
        args.Contains("--quick"),
        LocalHost.FromEnvironment(),
        Environment.GetEnvironmentVariable("EP_BENCH_TRACE_DIR") is { Length: > 0 } trace ? trace : null,
        LocalHost.FromEnvironment("EP_BENCH_QUIET"));

    /// <summary>Rounds of the telemetry comparison: each runs the largest lifecycle load on both hosts, in turn.</summary>
    public int TelemetryRounds => Quick ? 1 : 2;

    /// <summary>The same settings aimed at the host with telemetry off (same launcher, caps and machine).</summary>
    public Settings ForQuietHost() => Quiet is { } quiet
        ? this with { Url = quiet.Url, HostPid = quiet.Pid, AppDatabase = quiet.Database }
        : throw new InvalidOperationException("No host without telemetry was started.");

    /// <summary>The same settings aimed at the host that runs the real local launcher.</summary>
    public Settings ForLocalHost() => Local is { } local
        ? this with { Url = local.Url, HostPid = local.Pid, AppDatabase = local.Database }
        : throw new InvalidOperationException("No local-launcher host was started.");

    internal static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set (run ./bench.sh).");
}

/// <summary>
/// Another host bench.sh starts on a database of its own: with the real (sandboxed) local launcher
/// (EP_BENCH_LOCAL_*), or with the instant launcher and telemetry off (EP_BENCH_QUIET_*).
/// </summary>
internal sealed record LocalHost(Uri Url, int Pid, string Database)
{
    public static LocalHost? FromEnvironment(string prefix = "EP_BENCH_LOCAL") => Environment.GetEnvironmentVariable($"{prefix}_URL") is { Length: > 0 } url
        ? new LocalHost(
            new Uri(url),
            int.Parse(Settings.Required($"{prefix}_PID"), CultureInfo.InvariantCulture),
            Settings.Required($"{prefix}_DB"))
        : null;
}

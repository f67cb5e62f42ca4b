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
    bool Quick)
{
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
        args.Contains("--quick"));

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set (run ./bench.sh).");
}

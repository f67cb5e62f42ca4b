using System.Globalization;
using System.Text.Json;
using EventPlatform.Bench;

var settings = Settings.FromEnvironment(args);
using var platform = new Platform(settings);
var stages = new Stages(settings, platform);
var report = new Report(settings);

Console.Error.WriteLine($"Benchmarking {settings.Url} ({(settings.Quick ? "quick" : "full")} run)...");
report.Machine = MachineInfo.Read();
report.HostIdleRssKilobytes = platform.HostRssKilobytes();
var idle = await stages.IdleRatesAsync(TimeSpan.FromSeconds(settings.Quick ? 1 : 3));
report.IdleCommitsPerSecond = idle.CommitsPerSecond;
report.IdleWritesPerSecond = idle.WritesPerSecond;

foreach (var clients in settings.SubmissionClients)
{
    Console.Error.WriteLine($"submission, {clients} clients");
    report.Submission.Add(await Measure(() => stages.SubmissionAsync(clients)));
}

Console.Error.WriteLine("lifecycle (instant launcher), one job at a time");
report.Unloaded = await Measure(() => stages.UnloadedLifecycleAsync(settings.UnloadedJobs));

foreach (var clients in settings.LifecycleClients)
{
    Console.Error.WriteLine($"lifecycle (instant launcher), {clients} clients");
    var traced = clients == settings.LifecycleClients[^1] && settings.TraceFolder is not null;
    using var trace = traced ? Profile.Start(settings) : null;
    report.Lifecycle.Add(await Measure(() => stages.LifecycleAsync(clients, settings.LifecycleJobs, idle)));
    if (trace is not null)
    {
        report.Profile = await trace.StopAsync();
    }
}

if (settings.Quiet is not null)
{
    // The same load on the host with telemetry on (this one) and on one with it off, in turn, so that
    // a busier moment of the machine does not fall on one side only.
    var quietSettings = settings.ForQuietHost();
    using var quietPlatform = new Platform(quietSettings);
    var quiet = new Stages(quietSettings, quietPlatform);
    var quietIdle = await quiet.IdleRatesAsync(TimeSpan.FromSeconds(1));

    // The instant host is warm from the stages before; the quiet one has run nothing yet (JIT, pools).
    Console.Error.WriteLine("telemetry cost: warming up the host with telemetry off");
    await quiet.UnloadedLifecycleAsync(settings.UnloadedJobs);
    var clients = settings.LifecycleClients[^1];
    for (var round = 1; round <= settings.TelemetryRounds; round++)
    {
        Console.Error.WriteLine($"telemetry cost, round {round}: lifecycle (instant launcher), {clients} clients, telemetry off");
        report.TelemetryOff.Add(await MeasureOn(quietSettings, () => quiet.LifecycleAsync(clients, settings.LifecycleJobs, quietIdle)));
        Console.Error.WriteLine($"telemetry cost, round {round}: lifecycle (instant launcher), {clients} clients, telemetry on");
        report.TelemetryOn.Add(await Measure(() => stages.LifecycleAsync(clients, settings.LifecycleJobs, idle)));
    }
}

Console.Error.WriteLine($"memory, {settings.InFlightJobs} jobs in flight");
report.InFlight = await Measure(() => stages.InFlightAsync(settings.InFlightJobs));

using (var seeder = new StoreSeeder(settings))
{
    var toSeed = (int)Math.Max(0, settings.StoreJobs - await platform.JobCountAsync());
    Console.Error.WriteLine($"appending {toSeed} finished jobs to the store");
    var seeded = await seeder.SeedAsync(toSeed);
    report.Seed = seeded;
    stages.AddKnownJobs(seeded.Ids);
    Console.Error.WriteLine("async daemon catching up");
    report.CatchUp = await Measure(() => stages.ProjectionCatchUpAsync(TimeSpan.FromMinutes(15)));
}

foreach (var clients in settings.StatusClients)
{
    Console.Error.WriteLine($"GET /jobs/{{id}}, {clients} clients");
    report.Status.Add(await Measure(() => stages.StatusAsync(clients)));
}

report.HostRssAfterKilobytes = platform.HostRssKilobytes();

foreach (var projection in Settings.Projections)
{
    Console.Error.WriteLine($"rebuilding {projection}");
    report.Rebuilds.Add(await Measure(() => platform.RebuildAsync(projection)));
}

Console.Error.WriteLine("audit verify");
report.Audit = await Measure(stages.AuditAsync);

if (settings.Local is not null)
{
    var localSettings = settings.ForLocalHost();
    using var localPlatform = new Platform(localSettings);
    var local = new Stages(localSettings, localPlatform);
    var localIdle = await local.IdleRatesAsync(TimeSpan.FromSeconds(1));
    Console.Error.WriteLine("lifecycle (local launcher), one job at a time");
    report.LocalUnloaded = await MeasureOn(localSettings, () => local.UnloadedLifecycleAsync(settings.LocalUnloadedJobs));
    Console.Error.WriteLine($"lifecycle (local launcher), {settings.LocalLifecycleClients} clients");
    report.LocalLifecycle = await MeasureOn(localSettings, () => local.LifecycleAsync(settings.LocalLifecycleClients, settings.LocalLifecycleJobs, localIdle));
}

using (var hangfire = await HangfirePeer.StartAsync(settings))
{
    report.HangfireWorkers = hangfire.Workers;
    foreach (var clients in settings.LifecycleClients)
    {
        Console.Error.WriteLine($"Hangfire, {clients} clients");
        var span = await CommitSpan.StartAsync(settings, HangfirePeer.Database);
        var run = await Measure(() => hangfire.RunAsync(clients, settings.LifecycleJobs, settings.StageCap));
        await Task.Delay(TimeSpan.FromSeconds(2));

        // Our idle host keeps writing in its own database meanwhile; Hangfire's database has no other client.
        var counted = await span.StopAsync(idle);
        report.Hangfire.Add(run);
        report.HangfireCommitsPerJob.Add(Math.Round((double)counted.Commits / Math.Max(1, run.Run.Processed), 2));
        report.HangfireWritesPerJob.Add(Math.Round(counted.WritesBeyondIdle / Math.Max(1, run.Run.Processed), 2));
    }
}

foreach (var clients in settings.PgBenchClients)
{
    Console.Error.WriteLine($"pgbench, {clients} clients");
    report.PgBench.Add(await Measure(() => PgBench.RunAsync(settings, clients, settings.PgBenchSeconds)));
}

Console.Error.WriteLine($"pgbench, {settings.PgBenchClients[^1]} clients, synchronous_commit off (for comparison only)");
report.PgBenchAsync.Add(await Measure(() => PgBench.RunAsync(settings, settings.PgBenchClients[^1], settings.PgBenchSeconds, synchronousCommit: false)));

report.Finish();
Directory.CreateDirectory(Path.GetDirectoryName(settings.Output)!);
await File.WriteAllTextAsync(settings.Output, JsonSerializer.Serialize(report, Report.Json));
Console.WriteLine(report.Table());
Console.WriteLine($"Written to {settings.Output}");
return 0;

Task<Measured<T>> Measure<T>(Func<Task<T>> stage) => MeasureOn(settings, stage);

static async Task<Measured<T>> MeasureOn<T>(Settings on, Func<Task<T>> stage)
{
    var meter = new CpuMeter(on.HostPid);
    var run = await stage();
    return new Measured<T>(run, meter.Stop());
}

internal sealed record MachineInfo(int Cores, string CpuModel, long MemoryKilobytes, string LoadAverage)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown",
        long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture),
        File.ReadAllText("/proc/loadavg").Trim());
}

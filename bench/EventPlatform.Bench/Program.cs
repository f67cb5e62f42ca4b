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
report.IdleCommitsPerSecond = await stages.IdleCommitsPerSecondAsync(TimeSpan.FromSeconds(settings.Quick ? 1 : 3));

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
    report.Lifecycle.Add(await Measure(() => stages.LifecycleAsync(clients, report.IdleCommitsPerSecond)));
}

foreach (var clients in settings.StatusClients)
{
    Console.Error.WriteLine($"GET /jobs/{{id}}, {clients} clients");
    report.Status.Add(await Measure(() => stages.StatusAsync(clients)));
}

report.HostRssAfterKilobytes = platform.HostRssKilobytes();

using (var hangfire = await HangfirePeer.StartAsync(settings))
{
    report.HangfireWorkers = hangfire.Workers;
    foreach (var clients in settings.LifecycleClients)
    {
        Console.Error.WriteLine($"Hangfire, {clients} clients");
        var commitsBefore = await Commits.CountAsync(settings, HangfirePeer.Database);
        var run = await Measure(() => hangfire.RunAsync(clients, settings.LifecycleJobs, settings.StageCap));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var commits = await Commits.CountAsync(settings, HangfirePeer.Database) - commitsBefore;
        report.Hangfire.Add(run);
        report.HangfireCommitsPerJob.Add(Math.Round((double)commits / Math.Max(1, run.Run.Processed), 2));
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

async Task<Measured<T>> Measure<T>(Func<Task<T>> stage)
{
    var meter = new CpuMeter(settings.HostPid);
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

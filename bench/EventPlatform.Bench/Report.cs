using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventPlatform.Bench;

/// <summary>Everything one run measured, the ratios the issue asks for, and the table printed at the end.</summary>
internal sealed class Report(Settings settings)
{
    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
    public DateTimeOffset FinishedAt { get; private set; }
    public string Mode { get; } = settings.Quick ? "quick" : "full";
    public MachineInfo? Machine { get; set; }
    public string LoadAverageAtEnd { get; private set; } = "";
    public long HostIdleRssKilobytes { get; set; }
    public long HostRssAfterKilobytes { get; set; }
    public double IdleCommitsPerSecond { get; set; }
    public double IdleWritesPerSecond { get; set; }
    public List<Measured<SubmissionRun>> Submission { get; } = [];
    public Measured<UnloadedRun>? Unloaded { get; set; }
    public List<Measured<LifecycleRun>> Lifecycle { get; } = [];
    public List<Measured<StatusRun>> Status { get; } = [];
    public Measured<InFlightRun>? InFlight { get; set; }
    public SeedRun? Seed { get; set; }
    public Measured<CatchUpRun>? CatchUp { get; set; }
    public List<Measured<RebuildRun>> Rebuilds { get; } = [];
    public Measured<AuditRun>? Audit { get; set; }
    public Measured<UnloadedRun>? LocalUnloaded { get; set; }
    public Measured<LifecycleRun>? LocalLifecycle { get; set; }

    /// <summary>The largest lifecycle load on a host with telemetry off, and on this one (on), round by round.</summary>
    public List<Measured<LifecycleRun>> TelemetryOff { get; } = [];
    public List<Measured<LifecycleRun>> TelemetryOn { get; } = [];

    /// <summary>1 − (best jobs/s with telemetry on ÷ best with it off): the share of the lifecycle rate telemetry costs.</summary>
    public double TelemetryCost { get; private set; } = double.NaN;
    public ProfileSummary? Profile { get; set; }
    public int HangfireWorkers { get; set; }
    public double HangfireQueuePollIntervalMs { get; } = HangfirePeer.QueuePollInterval.TotalMilliseconds;
    public List<Measured<PeerRun>> Hangfire { get; } = [];
    public List<double> HangfireCommitsPerJob { get; } = [];
    public List<double> HangfireWritesPerJob { get; } = [];
    public List<Measured<PgBenchRun>> PgBench { get; } = [];

    /// <summary>pgbench with synchronous_commit off: not the ceiling, only evidence of what the WAL flush costs.</summary>
    public List<Measured<PgBenchRun>> PgBenchAsync { get; } = [];

    /// <summary>Best lifecycle jobs/s ÷ best Hangfire jobs/s, each over the same client loads.</summary>
    public double OursOverHangfire { get; private set; }

    /// <summary>
    /// Best pgbench commits/s ÷ our writing transactions per job (from the run that reached the best
    /// rate): pgbench's commits all write, so they compare with the commits that wait for a WAL flush.
    /// </summary>
    public double CommitCeilingJobsPerSecond { get; private set; }

    /// <summary>Best lifecycle jobs/s as a fraction of <see cref="CommitCeilingJobsPerSecond"/>.</summary>
    public double FractionOfCommitCeiling { get; private set; }

    /// <summary>The same ceiling counting every transaction, read-only ones too (xact_commit), as the first version of this report did.</summary>
    public double AllTransactionsCeilingJobsPerSecond { get; private set; }

    public void Finish()
    {
        FinishedAt = DateTimeOffset.UtcNow;
        LoadAverageAtEnd = File.ReadAllText("/proc/loadavg").Trim();
        var best = Lifecycle.Select(m => m.Run).MaxBy(r => r.JobsPerSecond);
        var peer = Hangfire.Select(m => m.Run.JobsPerSecond).DefaultIfEmpty(double.NaN).Max();
        var ceiling = PgBench.Select(m => m.Run.CommitsPerSecond).DefaultIfEmpty(double.NaN).Max();
        if (TelemetryOff.Count > 0 && TelemetryOn.Count > 0)
        {
            TelemetryCost = Math.Round(1 - (TelemetryOn.Max(m => m.Run.JobsPerSecond) / TelemetryOff.Max(m => m.Run.JobsPerSecond)), 3);
        }

        if (best is not null)
        {
            OursOverHangfire = Math.Round(best.JobsPerSecond / peer, 3);
            CommitCeilingJobsPerSecond = Math.Round(ceiling / best.WriteCommitsPerJob, 1);
            FractionOfCommitCeiling = Math.Round(best.JobsPerSecond / CommitCeilingJobsPerSecond, 3);
            AllTransactionsCeilingJobsPerSecond = Math.Round(ceiling / best.CommitsPerJob, 1);
        }
    }

    public string Table()
    {
        var table = new StringBuilder();
        void Row(string what, string load, string rate, LatencyStats? latency, string note) =>
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {what,-28} | {load,-10} | {rate,12} | {F(latency?.P50Ms),8} | {F(latency?.P95Ms),8} | {F(latency?.P99Ms),8} | {note}");

        table.AppendLine(CultureInfo.InvariantCulture, $"| {"measurement",-28} | {"load",-10} | {"rate /s",12} | {"p50 ms",8} | {"p95 ms",8} | {"p99 ms",8} | notes");
        table.AppendLine("|---|---|---:|---:|---:|---:|---|");
        foreach (var (run, cpu) in Submission)
        {
            Row("submission POST /jobs", $"{run.Clients} clients", F(run.JobsPerSecond), run.Latency,
                $"{run.Accepted} accepted, {run.Failed} failed; machine CPU {cpu.MachineBusy:P0}");
        }

        if (Unloaded is var (unloaded, unloadedCpu))
        {
            Row("overhead, one job at a time", "1 client", "", unloaded.SubmitToSucceeded,
                $"submit→Succeeded (JobSubmitted→JobSucceeded appends) on an idle platform, task ≈0; {unloaded.Succeeded}/{unloaded.Jobs} jobs; machine CPU {unloadedCpu.MachineBusy:P0}");
        }

        void Lifecycles(string launcher, IEnumerable<Measured<LifecycleRun>> runs)
        {
            foreach (var (run, cpu) in runs)
            {
                Row($"lifecycle ({launcher})", $"{run.Clients} clients", F(run.JobsPerSecond), run.SubmitToSucceeded,
                    $"submit→Succeeded; {run.Succeeded}/{run.Jobs} jobs succeeded (end states: {string.Join(", ", run.EndStates.Select(p => $"{p.Key} {p.Value}"))}); {F(run.WriteCommitsPerJob)} writing commits/job, {F(run.CommitsPerJob)} with read-only ones ({F(run.RawCommitsPerJob)} raw); host {F(cpu.HostCpuSeconds * 1000 / Math.Max(1, run.Jobs))} CPU-ms/job; machine CPU {cpu.MachineBusy:P0}; peak RSS {run.PeakRssKilobytes / 1024} MB with ≤{run.PeakUnfinished} unfinished");
                Row("  overhead under load", $"{run.Clients} clients", "", run.Overhead, "submit→Succeeded minus the task's own time (finishedAt−startedAt): mostly queueing behind the burst");
            }
        }

        Lifecycles("instant", Lifecycle);
        if (LocalUnloaded is var (localUnloaded, localUnloadedCpu))
        {
            Row("local launcher, one at a time", "1 client", "", localUnloaded.SubmitToSucceeded,
                $"submit→Succeeded with a real sandboxed process (`true`) per job; {localUnloaded.Succeeded}/{localUnloaded.Jobs} jobs; machine CPU {localUnloadedCpu.MachineBusy:P0}");
        }

        Lifecycles("local launcher", LocalLifecycle is null ? [] : [LocalLifecycle]);
        foreach (var (off, on) in TelemetryOff.Zip(TelemetryOn))
        {
            Row("telemetry off / on", $"{off.Run.Clients} clients", $"{F(off.Run.JobsPerSecond)} / {F(on.Run.JobsPerSecond)}", on.Run.SubmitToSucceeded,
                $"lifecycle (instant) on a warmed host with Prometheus, spans, gauges and EMF off, then on this one with them on (latencies: on); host {F(off.Cpu.HostCpuSeconds * 1000 / Math.Max(1, off.Run.Jobs))} / {F(on.Cpu.HostCpuSeconds * 1000 / Math.Max(1, on.Run.Jobs))} CPU-ms/job");
        }

        if (!double.IsNaN(TelemetryCost))
        {
            Row("telemetry cost", "best of each", $"{TelemetryCost:P1}", null, "1 − best rate on ÷ best rate off (the issue's bound: under 5 %)");
        }
        if (InFlight is var (inFlight, inFlightCpu))
        {
            Row("memory, jobs in flight", "32 clients", "", null,
                $"{inFlight.PeakRunning}/{inFlight.Jobs} running at once (held by the instant launcher): host RSS {inFlight.RssAtPeakKilobytes / 1024} MB (peak {inFlight.PeakRssKilobytes / 1024} MB, {inFlight.RssBeforeKilobytes / 1024} MB before); submitted in {F(inFlight.SubmitSeconds)} s; all cancelled in {F(inFlight.CancelSeconds)} s ({F(inFlight.CancelledPerSecond)}/s); machine CPU {inFlightCpu.MachineBusy:P0}");
        }

        if (Seed is { } seed)
        {
            Row("append finished jobs (seed)", "1 writer", F(seed.EventsPerSecond), null,
                $"events/s: {seed.Jobs} jobs × 5 events through Marten with the inline status view, 500 jobs a commit, in {F(seed.Seconds)} s");
        }

        if (CatchUp is var (catchUp, catchUpCpu))
        {
            Row("async daemon catch-up", "HotCold", F(catchUp.EventsPerSecond), null,
                $"events/s read into every async projection: {catchUp.Events} events in {F(catchUp.Seconds)} s{(catchUp.CaughtUp ? "" : ", NOT caught up by the cap")}; host CPU {F(catchUpCpu.HostCpuSeconds)} s; machine CPU {catchUpCpu.MachineBusy:P0}");
        }

        foreach (var (run, cpu) in Rebuilds)
        {
            Row($"rebuild {run.Projection}", "admin", F(run.EventsPerSecond), null,
                $"events/s: {run.Events} events in {F(run.Seconds)} s (the host's own timing); host CPU {F(cpu.HostCpuSeconds)} s; machine CPU {cpu.MachineBusy:P0}");
        }

        if (Audit is var (audit, auditCpu))
        {
            Row("audit verify (replay all)", "admin", F(audit.JobsPerSecond), null,
                $"jobs/s: {audit.Jobs} streams replayed and checked against their status rows in {F(audit.Seconds)} s, {audit.Mismatches} mismatches; host CPU {F(auditCpu.HostCpuSeconds)} s; machine CPU {auditCpu.MachineBusy:P0}");
        }

        foreach (var (run, cpu) in Status)
        {
            Row("status GET /jobs/{id}", $"{run.Clients} clients", F(run.RequestsPerSecond), run.Latency,
                $"{run.JobsInStore} jobs in store; machine CPU {cpu.MachineBusy:P0}");
        }

        for (var i = 0; i < Hangfire.Count; i++)
        {
            var (run, cpu) = Hangfire[i];
            Row("Hangfire enqueue→processed", $"{run.Clients} clients", F(run.JobsPerSecond), run.EnqueueLatency,
                $"{run.Processed}/{run.Enqueued} processed; latencies are Enqueue(); {HangfireWritesPerJob[i]} writing commits/job, {HangfireCommitsPerJob[i]} with read-only ones; {HangfireWorkers} workers; machine CPU {cpu.MachineBusy:P0}");
        }

        foreach (var (run, cpu) in PgBench)
        {
            Row("pgbench 1-row insert/xact", $"{run.Clients} clients", F(run.CommitsPerSecond), null,
                $"commits/s; latency avg {F(run.LatencyAverageMs)} ms; machine CPU {cpu.MachineBusy:P0}");
        }

        foreach (var (run, cpu) in PgBenchAsync)
        {
            Row("pgbench, synchronous_commit=off", $"{run.Clients} clients", F(run.CommitsPerSecond), null,
                $"comparison only (no WAL flush wait); latency avg {F(run.LatencyAverageMs)} ms; machine CPU {cpu.MachineBusy:P0}");
        }

        table.AppendLine();
        table.AppendLine(CultureInfo.InvariantCulture, $"host RSS idle {HostIdleRssKilobytes / 1024} MB, after the HTTP stages {HostRssAfterKilobytes / 1024} MB; idle commits {F(IdleCommitsPerSecond)}/s, of them writing {F(IdleWritesPerSecond)}/s");
        table.AppendLine(CultureInfo.InvariantCulture, $"ours ÷ Hangfire (best lifecycle jobs/s ÷ best Hangfire jobs/s): {OursOverHangfire:0.00}");
        table.AppendLine(CultureInfo.InvariantCulture, $"commit ceiling: best pgbench commits/s ÷ our writing commits/job = {F(CommitCeilingJobsPerSecond)} jobs/s; we reach {FractionOfCommitCeiling:P1} of it (counting read-only transactions too: {F(AllTransactionsCeilingJobsPerSecond)} jobs/s)");
        if (Profile is { } profile)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"profile of the host, last instant lifecycle stage ({profile.File}), share of busy thread samples:");
            table.AppendLine("  " + string.Join("; ", profile.Groups.Select(g => $"{g.Name} {g.Share:P0}")));
            table.AppendLine("  running most often: " + string.Join("; ", profile.TopFrames.Take(8).Select(f => $"{f.Name} {f.Share:P0}")));
        }

        table.AppendLine(CultureInfo.InvariantCulture, $"load average at start {Machine?.LoadAverage}, at end {LoadAverageAtEnd}");
        return table.ToString();
    }

    private static string F(double? value) => value is null or double.NaN ? "-" : value.Value.ToString("0.0", CultureInfo.InvariantCulture);
}

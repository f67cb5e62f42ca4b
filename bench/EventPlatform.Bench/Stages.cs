using System.Collections.Concurrent;
using System.Diagnostics;

namespace EventPlatform.Bench;

internal sealed record SubmissionRun(int Clients, int Accepted, int Failed, double Seconds, double JobsPerSecond, LatencyStats Latency);

internal sealed record LifecycleRun(
    int Clients,
    int Jobs,
    int Succeeded,
    double Seconds,
    double JobsPerSecond,
    LatencyStats SubmitLatency,
    LatencyStats SubmitToSucceeded,
    LatencyStats Overhead,
    IReadOnlyDictionary<string, int> EndStates,
    double CommitsPerJob,
    double RawCommitsPerJob,
    double WriteCommitsPerJob,
    long PeakRssKilobytes,
    long PeakUnfinished);

/// <summary>Submit→Succeeded is JobSubmitted's append to JobSucceeded's; the instant task takes about 0 of it.</summary>
internal sealed record UnloadedRun(int Jobs, int Succeeded, LatencyStats SubmitToSucceeded);

internal sealed record StatusRun(int Clients, long JobsInStore, double Seconds, double RequestsPerSecond, LatencyStats Latency);

/// <summary>The host's idle background: its pollers' transactions per second, all and writing ones.</summary>

/// <summary>
/// Jobs held running at once (instant launcher, <c>sleep</c>) and the host's memory with them:
/// <paramref name="RssAtPeakKilobytes"/> once all were running; then all cancelled.
/// </summary>
internal sealed record InFlightRun(
    int Jobs,
    long PeakRunning,
    long PeakUnfinished,
    long RssBeforeKilobytes,
    long RssAtPeakKilobytes,
    long PeakRssKilobytes,
    double SubmitSeconds,
    double CancelSeconds,
    double CancelledPerSecond);

/// <summary>One projection rebuilt from the streams (POST /admin/projections/{name}/rebuild), as the host timed it.</summary>
internal sealed record RebuildRun(string Projection, long Events, double Seconds, double EventsPerSecond);

/// <summary>Every stream replayed and checked against its status row (POST /admin/audit/verify), timed at the client.</summary>
internal sealed record AuditRun(long Jobs, int Mismatches, double Seconds, double JobsPerSecond);

/// <summary>The async daemon reading a backlog of events into every async projection.</summary>
internal sealed record CatchUpRun(long Events, double Seconds, double EventsPerSecond, bool CaughtUp);

/// <summary>The measurements against the running host.</summary>
internal sealed class Stages(Settings settings, Platform platform)
{
    private readonly ConcurrentBag<Guid> jobIds = [];

    public async Task<SubmissionRun> SubmissionAsync(int clients)
    {
        var run = await ClosedLoop.RunAsync(clients, settings.SubmissionJobs, settings.StageCap, _ => platform.SubmitAsync()).ConfigureAwait(false);
        foreach (var id in run.Values)
        {
            jobIds.Add(id);
        }

        await platform.WaitUntilDrainedAsync(settings.StageCap * 2).ConfigureAwait(false);
        return new SubmissionRun(clients, run.Latency.Count, run.Failures, run.Elapsed.TotalSeconds, run.PerSecond, run.Latency);
    }

    /// <summary>
    /// Submits jobs with the instant launcher and follows them to the end. Throughput is jobs over
    /// the span from the first submission to the last JobSucceeded append; per job, submit→Succeeded
    /// is JobSubmitted's append to JobSucceeded's, and the overhead is that minus the task's own
    /// time (<c>finishedAt − startedAt</c>, about 0 here). Commits per job subtract the bench's own
    /// polls and the idle rate of the host's pollers; the raw figure is kept too.
    /// </summary>
    public async Task<LifecycleRun> LifecycleAsync(int clients, int jobCount, IdleRates idle)
    {
        var span = await CommitSpan.StartAsync(settings, settings.AppDatabase).ConfigureAwait(false);
        var startedAt = DateTimeOffset.UtcNow;
        using var sampler = new Sampler(platform);
        var run = await ClosedLoop.RunAsync(clients, jobCount, settings.StageCap, _ => platform.SubmitAsync()).ConfigureAwait(false);
        var polls = await platform.WaitUntilDrainedAsync(settings.StageCap * 4).ConfigureAwait(false);
        var (peakRss, peakUnfinished, samplerPolls) = await sampler.StopAsync().ConfigureAwait(false);

        // pg_stat_database is fed by each backend about once a second.
        await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        var counted = await span.StopAsync(idle).ConfigureAwait(false);
        var jobs = run.Values.Count;
        var commitsPerJob = (counted.CommitsBeyondIdle - polls - samplerPolls) / jobs;
        var writesPerJob = counted.WritesBeyondIdle / jobs;

        var statuses = await ClosedLoop.RunAsync(8, jobs, settings.StageCap, i => platform.StatusAsync(run.Values[i])).ConfigureAwait(false);
        foreach (var id in run.Values)
        {
            jobIds.Add(id);
        }

        var times = await platform.EventTimesAsync(run.Values).ConfigureAwait(false);
        var succeeded = statuses.Values
            .Where(s => s.State == "Succeeded" && times.TryGetValue(s.JobId, out var t) && t.Succeeded is not null)
            .Select(s => (Status: s, Submitted: times[s.JobId].Submitted, Succeeded: times[s.JobId].Succeeded!.Value))
            .ToList();
        var lastSucceeded = succeeded.Count == 0 ? startedAt : succeeded.Max(s => s.Succeeded);
        var seconds = (lastSucceeded - startedAt).TotalSeconds;
        var total = LatencyStats.From([.. succeeded.Select(s => (s.Succeeded - s.Submitted).TotalMilliseconds)]);
        var overhead = LatencyStats.From([.. succeeded.Select(s =>
            ((s.Succeeded - s.Submitted) - TaskTime(s.Status)).TotalMilliseconds)]);
        return new LifecycleRun(
            clients, jobs, succeeded.Count, seconds, succeeded.Count / seconds, run.Latency, total, overhead,
            statuses.Values.CountBy(s => s.State).ToDictionary(p => p.Key, p => p.Value),
            commitsPerJob, (double)counted.Commits / jobs, writesPerJob, peakRss, peakUnfinished);
    }

    /// <summary>
    /// The task's own time. A job whose STOPPED event was taken before its RUNNING one (the instant
    /// launcher sends both at once) may end without a <c>startedAt</c>: its task time is 0.
    /// </summary>
    private static TimeSpan TaskTime(JobStatus status) =>
        status is { StartedAt: { } started, FinishedAt: { } finished } ? finished - started : TimeSpan.Zero;

    /// <summary>
    /// One job at a time on an otherwise idle platform: submit, then wait for Succeeded (polling its
    /// row in the status table every 2 ms), so submit→Succeeded is the orchestration's own latency
    /// and not time spent queued behind other jobs.
    /// </summary>
    public async Task<UnloadedRun> UnloadedLifecycleAsync(int jobs)
    {
        var ids = new List<Guid>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < jobs && clock.Elapsed < settings.StageCap; i++)
        {
            var id = await platform.SubmitAsync().ConfigureAwait(false);
            ids.Add(id);
            while (await platform.StateAsync(id).ConfigureAwait(false) is not ("Succeeded" or "Failed" or "TimedOut" or "Cancelled"))
            {
                await Task.Delay(2).ConfigureAwait(false);
            }
        }

        var times = await platform.EventTimesAsync(ids).ConfigureAwait(false);
        var succeeded = times.Values.Where(t => t.Succeeded is not null).Select(t => (t.Succeeded!.Value - t.Submitted).TotalMilliseconds).ToList();
        foreach (var id in ids)
        {
            jobIds.Add(id);
        }

        return new UnloadedRun(ids.Count, succeeded.Count, LatencyStats.From(succeeded));
    }

    /// <summary>Jobs written straight into the store, for the status stage to read too.</summary>
    public void AddKnownJobs(IEnumerable<Guid> ids)
    {
        foreach (var id in ids)
        {
            jobIds.Add(id);
        }
    }

    public async Task<StatusRun> StatusAsync(int clients)
    {
        var ids = jobIds.ToArray();
        var inStore = await platform.JobCountAsync().ConfigureAwait(false);
        var run = await ClosedLoop.RunAsync(clients, settings.StatusRequests, settings.StageCap, i => platform.StatusAsync(ids[(int)((uint)(i * 2654435761L) % ids.Length)]))
            .ConfigureAwait(false);
        return new StatusRun(clients, inStore, run.Elapsed.TotalSeconds, run.PerSecond, run.Latency);
    }

    public async Task<IdleRates> IdleRatesAsync(TimeSpan window)
    {
        var span = await CommitSpan.StartAsync(settings, settings.AppDatabase).ConfigureAwait(false);
        await Task.Delay(window).ConfigureAwait(false);
        var counted = await span.StopAsync(IdleRates.None).ConfigureAwait(false);
        return new IdleRates(counted.Commits / window.TotalSeconds, counted.WritesBeyondIdle / window.TotalSeconds);
    }

    /// <summary>
    /// Holds <paramref name="jobs"/> jobs running at once (the instant launcher keeps a <c>sleep</c>
    /// task running), reads the host's memory once they all run, then cancels them all and waits
    /// until every one has ended.
    /// </summary>
    public async Task<InFlightRun> InFlightAsync(int jobs)
    {
        string[] hold = ["sleep", "3600"];
        var rssBefore = platform.HostRssKilobytes();
        using var sampler = new Sampler(platform);
        var cap = TimeSpan.FromMinutes(10);
        var submitted = await ClosedLoop.RunAsync(32, jobs, cap, _ => platform.SubmitAsync(hold)).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        long running = 0;
        while (clock.Elapsed < cap && (running = await platform.RunningAsync().ConfigureAwait(false)) < submitted.Values.Count)
        {
            await Task.Delay(250).ConfigureAwait(false);
        }

        // The heap settles after the burst; the peak of a few readings a moment later is what stays.
        long rssAtPeak = 0;
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(200).ConfigureAwait(false);
            rssAtPeak = Math.Max(rssAtPeak, platform.HostRssKilobytes());
        }

        var cancelling = Stopwatch.StartNew();
        await ClosedLoop.RunAsync(32, submitted.Values.Count, cap, i => platform.CancelAsync(submitted.Values[i])).ConfigureAwait(false);
        await platform.WaitUntilDrainedAsync(cap).ConfigureAwait(false);
        cancelling.Stop();
        var (peakRss, peakUnfinished, _) = await sampler.StopAsync().ConfigureAwait(false);
        return new InFlightRun(
            submitted.Values.Count, running, peakUnfinished, rssBefore, rssAtPeak, peakRss, submitted.Elapsed.TotalSeconds,
            cancelling.Elapsed.TotalSeconds, submitted.Values.Count / cancelling.Elapsed.TotalSeconds);
    }

    public async Task<AuditRun> AuditAsync()
    {
        var clock = Stopwatch.StartNew();
        var (jobs, mismatches) = await platform.VerifyAsync().ConfigureAwait(false);
        clock.Stop();
        return new AuditRun(jobs, mismatches, clock.Elapsed.TotalSeconds, jobs / clock.Elapsed.TotalSeconds);
    }

    /// <summary>Waits for the async daemon to read every event so far; the rate is over the events it read while waited for.</summary>
    public async Task<CatchUpRun> ProjectionCatchUpAsync(TimeSpan cap)
    {
        var (start, last) = await platform.ProjectionProgressAsync().ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var reached = start;
        while (reached < last && clock.Elapsed < cap)
        {
            await Task.Delay(100).ConfigureAwait(false);
            (reached, _) = await platform.ProjectionProgressAsync().ConfigureAwait(false);
        }

        clock.Stop();
        return new CatchUpRun(reached - start, clock.Elapsed.TotalSeconds, (reached - start) / Math.Max(0.001, clock.Elapsed.TotalSeconds), reached >= last);
    }

    /// <summary>Reads the host's VmRSS every 100 ms and the unfinished jobs every 250 ms while a stage runs.</summary>
    private sealed class Sampler : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task<(long, long, int)> loop;

        public Sampler(Platform platform) => loop = Task.Run(async () =>
        {
            long peakRss = 0, peakUnfinished = 0;
            var polls = 0;
            var tick = 0;
            while (!stop.IsCancellationRequested)
            {
                peakRss = Math.Max(peakRss, platform.HostRssKilobytes());
                if (tick++ % 3 == 0)
                {
                    polls++;
                    peakUnfinished = Math.Max(peakUnfinished, await platform.UnfinishedAsync().ConfigureAwait(false));
                }

                try
                {
                    await Task.Delay(100, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            return (peakRss, peakUnfinished, polls);
        });

        public async Task<(long PeakRss, long PeakUnfinished, int Polls)> StopAsync()
        {
            await stop.CancelAsync().ConfigureAwait(false);
            return await loop.ConfigureAwait(false);
        }

        public void Dispose() => stop.Dispose();
    }
}

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
    long PeakRssKilobytes,
    long PeakUnfinished);

/// <summary>Submit→Succeeded is JobSubmitted's append to JobSucceeded's; the instant task takes about 0 of it.</summary>
internal sealed record UnloadedRun(int Jobs, int Succeeded, LatencyStats SubmitToSucceeded);

internal sealed record StatusRun(int Clients, long JobsInStore, double Seconds, double RequestsPerSecond, LatencyStats Latency);

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
    public async Task<LifecycleRun> LifecycleAsync(int clients, double idleCommitsPerSecond)
    {
        var commitsBefore = await Commits.CountAsync(settings, settings.AppDatabase).ConfigureAwait(false);
        var commitClock = Stopwatch.StartNew();
        var startedAt = DateTimeOffset.UtcNow;
        using var sampler = new Sampler(platform);
        var run = await ClosedLoop.RunAsync(clients, settings.LifecycleJobs, settings.StageCap, _ => platform.SubmitAsync()).ConfigureAwait(false);
        var polls = await platform.WaitUntilDrainedAsync(settings.StageCap * 2).ConfigureAwait(false);
        var (peakRss, peakUnfinished, samplerPolls) = await sampler.StopAsync().ConfigureAwait(false);

        // pg_stat_database is fed by each backend about once a second.
        await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        var commitsAfter = await Commits.CountAsync(settings, settings.AppDatabase).ConfigureAwait(false);
        commitClock.Stop();
        var ownCommits = polls + samplerPolls;
        var jobs = run.Values.Count;
        var commitsPerJob = (commitsAfter - commitsBefore - ownCommits - (idleCommitsPerSecond * commitClock.Elapsed.TotalSeconds)) / jobs;

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
            commitsPerJob, (double)(commitsAfter - commitsBefore) / jobs, peakRss, peakUnfinished);
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

    public async Task<StatusRun> StatusAsync(int clients)
    {
        var ids = jobIds.ToArray();
        var inStore = await platform.JobCountAsync().ConfigureAwait(false);
        var run = await ClosedLoop.RunAsync(clients, settings.StatusRequests, settings.StageCap, i => platform.StatusAsync(ids[(int)((uint)(i * 2654435761L) % ids.Length)]))
            .ConfigureAwait(false);
        return new StatusRun(clients, inStore, run.Elapsed.TotalSeconds, run.PerSecond, run.Latency);
    }

    public async Task<double> IdleCommitsPerSecondAsync(TimeSpan window)
    {
        var before = await Commits.CountAsync(settings, settings.AppDatabase).ConfigureAwait(false);
        await Task.Delay(window).ConfigureAwait(false);
        var after = await Commits.CountAsync(settings, settings.AppDatabase).ConfigureAwait(false);
        return (after - before) / window.TotalSeconds;
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

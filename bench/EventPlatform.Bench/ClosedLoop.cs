using System.Collections.Concurrent;
using System.Diagnostics;

namespace EventPlatform.Bench;

/// <summary>
/// <c>clients</c> workers, each running one operation after another until <c>total</c> have been
/// started or the time cap passes; the latency of each is kept.
/// </summary>
internal static class ClosedLoop
{
    public static async Task<LoopResult<T>> RunAsync<T>(int clients, int total, TimeSpan cap, Func<int, Task<T>> operation)
    {
        var results = new ConcurrentBag<(double Ms, T Value)>();
        var failures = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < total && clock.Elapsed < cap)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var value = await operation(index).ConfigureAwait(false);
                    results.Add((Stopwatch.GetElapsedTime(started).TotalMilliseconds, value));
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or InvalidOperationException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        await Task.WhenAll(workers).ConfigureAwait(false);
        clock.Stop();
        var done = results.ToArray();
        return new LoopResult<T>(
            clock.Elapsed,
            failures,
            LatencyStats.From([.. done.Select(r => r.Ms)]),
            [.. done.Select(r => r.Value)]);
    }
}

internal sealed record LoopResult<T>(TimeSpan Elapsed, int Failures, LatencyStats Latency, IReadOnlyList<T> Values)
{
    public double PerSecond => Latency.Count / Elapsed.TotalSeconds;
}

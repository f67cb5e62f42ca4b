using System.Collections.Concurrent;
using System.Diagnostics;
using EventPlatform.EcsBridge.Ecs;

namespace EventPlatform.EcsBridge.Tests.Ecs;

/// <summary>
/// Timing is asserted only where a correct bucket makes it certain: a lower bound on the total
/// time, and at most burst + rate × window calls in any window, the window stretched by
/// <see cref="Travel"/> because calls the bucket let through apart can reach the server
/// together on a busy machine. Without pacing, every call lands in one window.
/// </summary>
public class When_a_burst_of_launches_arrives
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Travel = TimeSpan.FromMilliseconds(300);

    [Test]
    public async Task Should_launch_every_job_at_no_more_than_the_configured_rate()
    {
        await using var scenario = await EcsScenario.StartAsync(o =>
        {
            o.LaunchBurst = 5;
            o.LaunchesPerSecond = 10;
        });

        // Unpaced calls first open the connections and compile the code paths, which would
        // otherwise hold back the burst's first calls on a slow machine and bunch them with later ones.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => scenario.Client.DescribeTasksAsync(["warm-up"], CancellationToken.None)));
        var started = Stopwatch.GetTimestamp();

        await Task.WhenAll(Enumerable.Range(0, 25).Select(_ =>
            scenario.Launcher.LaunchAsync(EcsScenario.Launch(Guid.CreateVersion7()), CancellationToken.None)));

        var elapsed = Stopwatch.GetElapsedTime(started);
        var arrivals = scenario.Server.RequestsFor("RunTask").Select(r => r.ReceivedAtTimestamp).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(arrivals, Has.Count.EqualTo(25), "every launch waits for its turn, none fails");
            Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.8)), "20 calls beyond the burst at 10 per second");
            Assert.That(MostInAnyWindow(arrivals, Window), Is.LessThanOrEqualTo(Allowed(burst: 5, perSecond: 10)));
        });
    }

    [Test]
    public async Task Should_let_a_thousand_waiting_launches_through_at_the_rate()
    {
        using var pacer = new LaunchPacer(burst: 100, perSecond: 400);
        var granted = new ConcurrentBag<long>();
        var started = Stopwatch.GetTimestamp();

        await Task.WhenAll(Enumerable.Range(0, 1_000).Select(async _ =>
        {
            await pacer.WaitAsync(CancellationToken.None);
            granted.Add(Stopwatch.GetTimestamp());
        }));

        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.Multiple(() =>
        {
            Assert.That(granted, Has.Count.EqualTo(1_000));
            Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(2.1)), "900 beyond the burst at 400 per second");
            Assert.That(MostInAnyWindow([.. granted], Window), Is.LessThanOrEqualTo(Allowed(burst: 100, perSecond: 400)));
        });
    }

    private static int Allowed(int burst, double perSecond) => burst + (int)(perSecond * (Window + Travel).TotalSeconds);

    private static int MostInAnyWindow(IReadOnlyCollection<long> timestamps, TimeSpan window)
    {
        var sorted = timestamps.Order().ToArray();
        var most = 0;
        var first = 0;
        for (var last = 0; last < sorted.Length; last++)
        {
            while (Stopwatch.GetElapsedTime(sorted[first], sorted[last]) >= window)
            {
                first++;
            }

            most = Math.Max(most, last - first + 1);
        }

        return most;
    }
}

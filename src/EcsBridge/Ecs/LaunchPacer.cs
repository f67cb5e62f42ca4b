using System.Threading.RateLimiting;

namespace EventPlatform.EcsBridge.Ecs;

/// <summary>
/// A token bucket in front of RunTask, shaped like Fargate's own limit (a burst, then a steady
/// rate), so a flood of launches queues here instead of being throttled by ECS.
/// </summary>
internal sealed class LaunchPacer : IDisposable
{
    private static readonly TimeSpan MinimumPeriod = TimeSpan.FromMilliseconds(10);
    private readonly TokenBucketRateLimiter bucket;

    public LaunchPacer(int burst, double perSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);

        // The bucket fills continuously at TokensPerPeriod / ReplenishmentPeriod, but only hands
        // tokens out when its timer ticks; ticks under ~10 ms fall below the timer's resolution and
        // lose rate, ticks much longer release calls in clumps. So: the smallest whole number of
        // tokens whose period is at least 10 ms (1 token per 50 ms at 20 per second).
        var tokensPerPeriod = (int)Math.Clamp(Math.Ceiling(perSecond * MinimumPeriod.TotalSeconds), 1, burst);
        bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokensPerPeriod / perSecond),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>Waits, in arrival order, until a call may go.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        using var lease = await bucket.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("The launch queue is full.");
        }
    }

    public void Dispose() => bucket.Dispose();
}

namespace EventPlatform.Projections.UserJobStats;

/// <summary>
/// Durations in fixed log-spaced buckets, so a projection keeps percentiles in bounded space:
/// bucket <c>i</c> holds durations from <c>Growth^i</c> to <c>Growth^(i+1)</c> milliseconds and
/// reports its geometric middle, which is within <see cref="MaxRelativeError"/> of every duration
/// in it. Durations under 1 ms count as 1 ms; a day is bucket 374, so a histogram never holds
/// more than a few hundred buckets whatever the number of jobs.
/// </summary>
public sealed class DurationHistogram
{
    public const double Growth = 1.05;

    /// <summary>√Growth − 1: how far a reported percentile may be from the true one, relatively.</summary>
    public static readonly double MaxRelativeError = Math.Sqrt(Growth) - 1;

    public long Count { get; set; }

    /// <summary>Bucket index to how many durations fell in it.</summary>
    public SortedDictionary<int, long> Buckets { get; init; } = [];

    public static int BucketOf(TimeSpan duration) =>
        duration.TotalMilliseconds <= 1 ? 0 : (int)Math.Floor(Math.Log(duration.TotalMilliseconds) / Math.Log(Growth));

    public void Add(TimeSpan duration)
    {
        var bucket = BucketOf(duration);
        Buckets[bucket] = Buckets.GetValueOrDefault(bucket) + 1;
        Count++;
    }

    /// <summary>The nearest-rank percentile (<paramref name="fraction"/> 0.5 is the median), or null with no durations.</summary>
    public TimeSpan? Percentile(double fraction)
    {
        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(fraction * Count));
        long seen = 0;
        foreach (var (bucket, count) in Buckets)
        {
            seen += count;
            if (seen >= rank)
            {
                return TimeSpan.FromMilliseconds(Math.Pow(Growth, bucket + 0.5));
            }
        }

        return TimeSpan.FromMilliseconds(Math.Pow(Growth, Buckets.Keys.Last() + 0.5));
    }
}

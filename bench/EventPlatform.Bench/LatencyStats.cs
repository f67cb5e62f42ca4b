namespace EventPlatform.Bench;

/// <summary>Percentiles of a set of latencies, by nearest rank (no interpolation).</summary>
internal sealed record LatencyStats(int Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static LatencyStats From(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new LatencyStats(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = milliseconds.Order().ToArray();
        return new LatencyStats(
            sorted.Length,
            Percentile(sorted, 50),
            Percentile(sorted, 95),
            Percentile(sorted, 99),
            sorted[^1],
            sorted.Average());
    }

    /// <summary>The smallest value with at least <paramref name="percent"/> % of the values at or below it.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}

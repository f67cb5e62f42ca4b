namespace EventPlatform.Sagas.Jobs;

/// <summary>Exponential back-off with equal jitter: half fixed so retries are never immediate, half random so they spread.</summary>
internal static class RetryBackoff
{
    public static TimeSpan After(int failedAttempt, JobLifecycleOptions options, Random random)
    {
        var exponent = Math.Min(failedAttempt - 1, 20);
        var ceiling = Math.Min(options.RetryBackoffBase.TotalMilliseconds * Math.Pow(2, exponent), options.RetryBackoffMax.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((ceiling / 2) + (random.NextDouble() * ceiling / 2));
    }
}

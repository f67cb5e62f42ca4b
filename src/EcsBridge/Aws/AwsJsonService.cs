namespace EventPlatform.EcsBridge.Aws;

/// <summary>
/// One JSON 1.1 API: where it answers, what SigV4 calls it (<paramref name="SigningName"/>) and
/// what its <c>X-Amz-Target</c> operations start with. <paramref name="Name"/> is for log lines.
/// </summary>
internal sealed record AwsJsonService(string Name, Uri Endpoint, string Region, string SigningName, string TargetPrefix)
{
    /// <summary>https://{prefix}.{region}.amazonaws.com/, or .com.cn in the China regions.</summary>
    public static Uri RegionalEndpoint(string endpointPrefix, string region) =>
        new(region.StartsWith("cn-", StringComparison.Ordinal)
            ? $"https://{endpointPrefix}.{region}.amazonaws.com.cn/"
            : $"https://{endpointPrefix}.{region}.amazonaws.com/");
}

/// <summary>How long one try may take, how often a call is tried, and how long to wait between tries.</summary>
internal sealed record AwsCallPolicy(TimeSpan RequestTimeout, int MaxAttempts, TimeSpan RetryBaseDelay, TimeSpan RetryMaxDelay);

/// <summary>A call's answer, or why there is none after its tries.</summary>
internal sealed record AwsCallOutcome<T>(T? Value, AwsError? Error)
    where T : class;

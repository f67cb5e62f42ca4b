namespace EventPlatform.Contracts.Jobs;

/// <summary>What the submitter asked to run; immutable once submitted.</summary>
public sealed record JobSpec(
    IReadOnlyList<string> Command,
    int TimeoutSeconds,
    JobPriority Priority,
    IReadOnlyDictionary<string, string> Env)
{
    public const int DefaultMaxAttempts = 3;

    /// <summary>How many attempts a job gets for retryable failures (the task failed to start, was interrupted, the agent crashed).</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    /// <summary>Exit codes of the job's own command that also earn another attempt; by default none do.</summary>
    public IReadOnlyList<int> RetryOnExitCodes { get; init; } = [];

    public JobLimits Limits { get; init; } = JobLimits.Default;

    /// <summary>Free-form <c>key: value</c> tags the submitter can filter on (<c>GET /jobs?label=team:x</c>).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}

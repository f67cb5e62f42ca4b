namespace EventPlatform.Contracts.Jobs;

/// <summary>What the submitter asked to run; immutable once submitted.</summary>
public sealed record JobSpec(
    IReadOnlyList<string> Command,
    int TimeoutSeconds,
    JobPriority Priority,
    IReadOnlyDictionary<string, string> Env);

namespace EventPlatform.Agent.Artifacts;

/// <summary>
/// What result.json says about an attempt. <see cref="ArtifactsStored"/> is false, with the
/// reason in <see cref="Error"/>, when any artifact could not be stored: a lost artifact is
/// reported, never silent.
/// </summary>
internal sealed record AgentResult(
    string JobId,
    int Attempt,
    int ExitCode,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    long DurationMs,
    IReadOnlyList<StoredArtifact> Artifacts,
    bool ArtifactsStored,
    string? Error);

internal sealed record StoredArtifact(string Name, long Size);

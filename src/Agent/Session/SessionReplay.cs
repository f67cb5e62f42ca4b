namespace EventPlatform.Agent.Session;

/// <summary>What session-replay.json holds: each step with when it began, relative to the command's start and absolutely.</summary>
internal sealed record SessionReplay(
    string JobId,
    int Attempt,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    long DurationMs,
    IReadOnlyList<ReplayStep> Steps);

/// <summary>A step lasts until the next one begins, or the command ends.</summary>
internal sealed record ReplayStep(string Name, long OffsetMs, DateTimeOffset At, long DurationMs);

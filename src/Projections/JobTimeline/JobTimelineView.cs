namespace EventPlatform.Projections.JobTimeline;

/// <summary>Every transition of one job, oldest first.</summary>
public sealed record JobTimelineView
{
    public Guid Id { get; init; }
    public IReadOnlyList<JobTimelineEntry> Entries { get; init; } = [];
}

public sealed record JobTimelineEntry(long Version, string Event, int Attempt, DateTimeOffset At, string? Detail);


using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Projections.UserJobStats;

/// <summary>One row per user (<see cref="Id"/> is the user id): their jobs by state, and how long their runs took.</summary>
public sealed class UserJobStatsView
{
    public string Id { get; set; } = string.Empty;

    public JobStateCounts Jobs { get; init; } = new();

    /// <summary>From start to end of every job that ended while running (succeeded, failed, timed out or cancelled).</summary>
    public DurationHistogram RunDurations { get; init; } = new();
}

public sealed class JobStateCounts
{
    public int Queued { get; set; }
    public int Starting { get; set; }
    public int Running { get; set; }
    public int Succeeded { get; set; }
    public int Failed { get; set; }
    public int TimedOut { get; set; }
    public int Cancelled { get; set; }

    public void Add(JobPhase state, int delta)
    {
        switch (state)
        {
            case JobPhase.Queued: Queued += delta; break;
            case JobPhase.Starting: Starting += delta; break;
            case JobPhase.Running: Running += delta; break;
            case JobPhase.Succeeded: Succeeded += delta; break;
            case JobPhase.Failed: Failed += delta; break;
            case JobPhase.TimedOut: TimedOut += delta; break;
            case JobPhase.Cancelled: Cancelled += delta; break;
        }
    }
}

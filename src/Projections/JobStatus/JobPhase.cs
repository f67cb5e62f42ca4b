namespace EventPlatform.Projections.JobStatus;

/// <summary>Where a job is in its life, as users see it.</summary>
public enum JobPhase
{
    Queued,
    Starting,
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Cancelled,
}

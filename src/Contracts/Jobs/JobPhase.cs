namespace EventPlatform.Contracts.Jobs;

/// <summary>
/// Where a job is in its life, as users see it: the states <c>GET /jobs/{id}</c> and <c>ep</c> show,
/// the status view stores and the lifecycle saga is named by (it has two more of its own on the way:
/// a cancel that overtook its job's submission, and a stop it waits for).
/// </summary>
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

public static class JobPhases
{
    /// <summary>The phases a job never leaves.</summary>
    public static IReadOnlyList<JobPhase> Terminal { get; } = [JobPhase.Succeeded, JobPhase.Failed, JobPhase.TimedOut, JobPhase.Cancelled];

    public static bool HasEnded(this JobPhase phase) => Terminal.Contains(phase);
}

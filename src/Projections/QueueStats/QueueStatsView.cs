using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Projections.QueueStats;

/// <summary>The one row of queue figures: jobs waiting per priority, starting and running, and the job waiting longest.</summary>
public sealed class QueueStatsView
{
    public const string SingletonId = "queue";

    public string Id { get; set; } = SingletonId;

    public QueuedByPriority Queued { get; init; } = new();

    public int Starting { get; set; }

    public int Running { get; set; }

    public WaitingJob? OldestWaiting { get; set; }
}

public sealed class QueuedByPriority
{
    public int High { get; set; }
    public int Normal { get; set; }
    public int Low { get; set; }

    public void Add(JobPriority priority, int delta)
    {
        switch (priority)
        {
            case JobPriority.High:
                High += delta;
                break;
            case JobPriority.Normal:
                Normal += delta;
                break;
            case JobPriority.Low:
                Low += delta;
                break;
        }
    }
}

/// <summary>
/// One row per job in the Queued state (in line, or sitting out a retry's back-off), since it
/// last entered it; kept by the queue projection so the next oldest is known when the oldest leaves.
/// </summary>
public sealed record WaitingJob(Guid Id, JobPriority Priority, DateTimeOffset Since);

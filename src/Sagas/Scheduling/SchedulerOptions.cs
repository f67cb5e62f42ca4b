namespace EventPlatform.Sagas.Scheduling;

public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>How often an idle dispatcher looks for due messages; the lateness of a timer is at most about this.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// A dispatched message is published again after this long unless its consumer acknowledged it (deleted
    /// its row): a delivery lost with a crashed process (the in-memory bus holds nothing durable) is not lost.
    /// </summary>
    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Off in a process that must not dispatch (say, a read-only API replica).</summary>
    public bool RunDispatcher { get; set; } = true;
}

namespace EventPlatform.Contracts.Tasks;

/// <summary>
/// Asks the launcher how a job's attempt really is: a task event can be lost or late. The launcher
/// answers with the event that would have come: <see cref="TaskStarted"/> while the task runs (when
/// the asker does not know the task yet, <paramref name="TaskId"/> null), <see cref="TaskStopped"/>
/// once it ended (stop code <c>TaskLost</c> when nobody knows it); or nothing while it is still starting.
/// </summary>
public sealed record ReconcileTask(Guid JobId, int Attempt, string? TaskId) : IJobMessage
{
    /// <summary>
    /// The job launches again unless the launcher knows this attempt: a launcher that does not know it
    /// must answer <c>TaskLost</c> and make sure the attempt never starts afterwards (a late launch is
    /// refused), so that no attempt's command runs beside its successor.
    /// </summary>
    public bool RelaunchIfUnknown { get; init; }
}

namespace EventPlatform.Contracts.Tasks;

/// <summary>
/// Asks the launcher how a job's task really is: a task event can be lost. The launcher answers
/// only if the task has stopped or is unknown, with the TaskStopped that would have come.
/// </summary>
public sealed record ReconcileTask(Guid JobId, int Attempt, string TaskId) : IJobMessage;

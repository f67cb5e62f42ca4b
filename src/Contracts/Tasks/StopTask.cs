namespace EventPlatform.Contracts.Tasks;

/// <summary>Asks the launcher to stop a job's task; <paramref name="TaskId"/> is null when no start was seen yet.</summary>
public sealed record StopTask(Guid JobId, int Attempt, string? TaskId, string Reason) : IJobMessage;

namespace EventPlatform.Contracts.Jobs;

/// <summary>A durable timer of the lifecycle saga: a stop was requested and the task did not confirm it in time.</summary>
public sealed record JobStopDeadlineReached(Guid JobId, int Attempt, Guid TokenId) : IJobMessage;

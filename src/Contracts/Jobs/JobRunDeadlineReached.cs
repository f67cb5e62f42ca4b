namespace EventPlatform.Contracts.Jobs;

/// <summary>A durable timer of the lifecycle saga: the job overstayed its timeout plus grace.</summary>
public sealed record JobRunDeadlineReached(Guid JobId, int Attempt, Guid TokenId) : IJobMessage;

namespace EventPlatform.Contracts.Jobs;

/// <summary>A durable timer of the lifecycle saga: the back-off after a retryable failure is over.</summary>
public sealed record JobRetryDue(Guid JobId, int NextAttempt, Guid TokenId) : IJobMessage;

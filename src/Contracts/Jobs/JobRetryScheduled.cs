namespace EventPlatform.Contracts.Jobs;

/// <summary>An attempt failed for a retryable reason; <paramref name="NextAttempt"/> is queued at <paramref name="RetryAt"/>.</summary>
public sealed record JobRetryScheduled(Guid JobId, int Attempt, int NextAttempt, string Reason, DateTimeOffset RetryAt, DateTimeOffset ScheduledAt) : IJobEvent;

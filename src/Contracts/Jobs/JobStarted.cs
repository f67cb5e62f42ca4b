namespace EventPlatform.Contracts.Jobs;

public sealed record JobStarted(Guid JobId, int Attempt, string TaskId, DateTimeOffset StartedAt) : IJobEvent;

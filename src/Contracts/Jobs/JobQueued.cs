namespace EventPlatform.Contracts.Jobs;

public sealed record JobQueued(Guid JobId, int Attempt, DateTimeOffset QueuedAt) : IJobEvent;

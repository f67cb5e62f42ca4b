namespace EventPlatform.Contracts.Jobs;

public sealed record JobTimedOut(Guid JobId, int Attempt, int TimeoutSeconds, DateTimeOffset FinishedAt) : IJobEvent;

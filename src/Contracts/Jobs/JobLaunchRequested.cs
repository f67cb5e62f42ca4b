namespace EventPlatform.Contracts.Jobs;

public sealed record JobLaunchRequested(Guid JobId, int Attempt, DateTimeOffset RequestedAt) : IJobEvent;

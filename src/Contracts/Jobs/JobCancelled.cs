namespace EventPlatform.Contracts.Jobs;

public sealed record JobCancelled(Guid JobId, int Attempt, string Detail, DateTimeOffset FinishedAt) : IJobEvent;

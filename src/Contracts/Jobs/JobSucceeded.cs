namespace EventPlatform.Contracts.Jobs;

public sealed record JobSucceeded(Guid JobId, int Attempt, int ExitCode, DateTimeOffset FinishedAt) : IJobEvent;

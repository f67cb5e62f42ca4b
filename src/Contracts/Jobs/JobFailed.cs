namespace EventPlatform.Contracts.Jobs;

public sealed record JobFailed(Guid JobId, int Attempt, int? ExitCode, string Reason, DateTimeOffset FinishedAt) : IJobEvent;

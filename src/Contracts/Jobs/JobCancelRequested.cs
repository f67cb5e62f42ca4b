namespace EventPlatform.Contracts.Jobs;

public sealed record JobCancelRequested(Guid JobId, int Attempt, string RequestedBy, string? Reason, DateTimeOffset RequestedAt) : IJobEvent;

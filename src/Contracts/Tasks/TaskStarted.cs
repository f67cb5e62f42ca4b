namespace EventPlatform.Contracts.Tasks;

public sealed record TaskStarted(Guid JobId, int Attempt, string TaskId, DateTimeOffset StartedAt) : IJobMessage;

namespace EventPlatform.Contracts.Jobs;

/// <summary>Scheduled by the lifecycle saga when a task starts running; fires when the job overstays its timeout.</summary>
public sealed record JobRunDeadlineReached(Guid JobId, int Attempt);

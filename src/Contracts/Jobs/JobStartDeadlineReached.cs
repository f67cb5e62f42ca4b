namespace EventPlatform.Contracts.Jobs;

/// <summary>
/// A durable timer of the lifecycle saga: the task was launched but did not report running in
/// time. The token is the one the saga stored when it set the timer; a timer that fires after the
/// saga moved on, or twice, no longer matches and is ignored. The same holds for every deadline.
/// </summary>
public sealed record JobStartDeadlineReached(Guid JobId, int Attempt, Guid TokenId) : IJobMessage;

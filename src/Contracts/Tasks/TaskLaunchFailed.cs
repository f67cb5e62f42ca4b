namespace EventPlatform.Contracts.Tasks;

/// <summary>The launcher could not start a task (the call failed, was throttled or refused).</summary>
public sealed record TaskLaunchFailed(Guid JobId, int Attempt, string Reason, bool Retryable) : IJobMessage;

namespace EventPlatform.Contracts.Jobs;

/// <summary>Asks the lifecycle saga to cancel a job; repeating it is harmless.</summary>
public sealed record CancelJob(Guid JobId, string RequestedBy, string? Reason) : IJobMessage;

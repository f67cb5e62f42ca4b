namespace EventPlatform.Contracts.Jobs;

/// <summary>
/// On the original job's stream: <paramref name="RerunJobId"/> was submitted with this job's spec, at
/// <paramref name="RequestedBy"/>'s request. Whose job it is, its state and its figures do not change.
/// </summary>
public sealed record JobRerunSubmitted(Guid JobId, Guid RerunJobId, string RequestedBy, DateTimeOffset RequestedAt) : IJobEvent;

namespace EventPlatform.Contracts.Jobs;

/// <summary>The admission controller gave this attempt a slot: the saga may launch it.</summary>
public sealed record JobAdmitted(Guid JobId, int Attempt) : IJobMessage;

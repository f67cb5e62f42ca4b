namespace EventPlatform.Contracts.Jobs;

/// <summary>
/// A job's submission reached the dead letters: its saga could not read it or failed on it every time.
/// The job then ends Failed with <paramref name="Reason"/> instead of waiting in line for ever.
/// </summary>
public sealed record JobSubmissionRejected(Guid JobId, string Reason) : IJobMessage;

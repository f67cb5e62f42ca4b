using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Projections.JobStatus;

/// <summary>One row per job: what <c>GET /jobs/{id}</c> serves.</summary>
public sealed record JobStatusView
{
    public Guid Id { get; init; }
    public required string UserId { get; init; }
    public required JobSpec Spec { get; init; }
    public JobPhase State { get; init; }
    public int Attempt { get; init; }
    public int? ExitCode { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public DateTimeOffset? RetryAt { get; init; }
    public DateTimeOffset? CancelRequestedAt { get; init; }

    /// <summary>The trace the job's submission started (null for jobs submitted before traces, or without one).</summary>
    public string? TraceId { get; init; }

    public Guid? RerunOf { get; init; }
}

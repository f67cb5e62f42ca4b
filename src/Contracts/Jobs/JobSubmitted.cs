namespace EventPlatform.Contracts.Jobs;

/// <summary>First event of every job stream; also published so the lifecycle saga picks the job up.</summary>
public sealed record JobSubmitted(Guid JobId, string UserId, JobSpec Spec, DateTimeOffset SubmittedAt) : IJobEvent, IJobMessage
{
    /// <summary>The client's Idempotency-Key, when it sent one; the job id was derived from it.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The W3C trace id of the request that submitted the job: every later hop of the job joins that trace.</summary>
    public string? TraceId { get; init; }
    /// <summary>The job this one runs again (POST /jobs/{id}/rerun), whose stream names this one in a <see cref="JobRerunSubmitted"/>.</summary>
    public Guid? RerunOf { get; init; }
}

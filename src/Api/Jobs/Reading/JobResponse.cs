using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections.JobStatus;

namespace EventPlatform.Api.Jobs.Reading;

internal sealed record JobResponse(
    Guid JobId,
    string State,
    int? ExitCode,
    int Attempt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    IReadOnlyList<string> Command,
    string Priority,
    int TimeoutSeconds,
    IReadOnlyDictionary<string, string> Env,
    int MaxAttempts,
    IReadOnlyList<int> RetryOnExitCodes,
    DateTimeOffset? RetryAt,
    DateTimeOffset? CancelRequestedAt,
    JobLimits Limits)
{
    /// <summary>For a job in line: <c>global-capacity</c> or <c>user-capacity</c>; null otherwise.</summary>
    public string? WaitingFor { get; init; }

    public string UserId { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The W3C trace id of the job's trace (docs/observability.md); null for jobs from before traces.</summary>
    public string? TraceId { get; init; }
    /// <summary>The job this one runs again, when it was submitted by POST /jobs/{id}/rerun.</summary>
    public Guid? RerunOf { get; init; }

    public static JobResponse From(JobStatusView view) => new(
        view.Id,
        view.State.ToString(),
        view.ExitCode,
        view.Attempt,
        view.CreatedAt,
        view.StartedAt,
        view.FinishedAt,
        view.Error,
        view.Spec.Command,
        view.Spec.Priority.ToString().ToLowerInvariant(),
        view.Spec.TimeoutSeconds,
        view.Spec.Env,
        view.Spec.MaxAttempts,
        view.Spec.RetryOnExitCodes,
        view.RetryAt,
        view.CancelRequestedAt,
        view.Spec.Limits)
    {
        UserId = view.UserId,
        Labels = view.Spec.Labels,
        TraceId = view.TraceId,
        RerunOf = view.RerunOf,
    };
}

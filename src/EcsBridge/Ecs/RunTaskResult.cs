namespace EventPlatform.EcsBridge.Ecs;

/// <summary>What one RunTask came to: the task's ARN, or why there is no task.</summary>
internal sealed record RunTaskResult(string? TaskArn, bool Retryable, string? FailureReason)
{
    public bool Launched => TaskArn is not null;

    public static RunTaskResult Started(string taskArn) => new(taskArn, Retryable: false, FailureReason: null);

    public static RunTaskResult Failed(bool retryable, string reason) => new(null, retryable, reason);
}

/// <summary>What the bridge asks ECS to run: one attempt of one job.</summary>
internal sealed record TaskRun(
    Guid JobId,
    int Attempt,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Environment,
    string Cpu,
    string Memory,
    Guid? CorrelationId = null,
    string? TraceParent = null);

/// <summary>A task as DescribeTasks reports it, reduced to what reconciliation needs.</summary>
internal sealed record EcsTaskStatus(
    string TaskArn,
    string? LastStatus,
    string? DesiredStatus,
    string? StartedBy,
    int? Attempt,
    string? StopCode,
    string? StoppedReason,
    int? ExitCode,
    DateTimeOffset? StartedAt,
    DateTimeOffset? StoppedAt);

/// <summary>
/// DescribeTasks' answer: the tasks found, and the ARNs ECS does not know (reason MISSING:
/// never ours, or stopped long enough ago to be forgotten).
/// </summary>
internal sealed record DescribeTasksResult(IReadOnlyList<EcsTaskStatus> Tasks, IReadOnlyList<Failure> Failures);

namespace EventPlatform.Contracts.Tasks;

/// <summary>
/// A task reached STOPPED. <paramref name="ExitCode"/> is null when the container never ran
/// (for example <c>TaskFailedToStart</c>); <paramref name="StopCode"/> is ECS's stop code.
/// </summary>
public sealed record TaskStopped(
    Guid JobId,
    int Attempt,
    string TaskId,
    int? ExitCode,
    string StopCode,
    string? Reason,
    DateTimeOffset StoppedAt) : IJobMessage
{
    /// <summary>
    /// What the runtime says of the job's container, beyond its exit code: ECS's
    /// <c>containers[].reason</c>, such as "OutOfMemoryError: Container killed due to memory usage".
    /// </summary>
    public string? ContainerReason { get; init; }
}

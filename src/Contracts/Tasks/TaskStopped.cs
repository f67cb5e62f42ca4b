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
    DateTimeOffset StoppedAt);

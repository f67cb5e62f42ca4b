using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;

namespace EventPlatform.Sagas.Jobs;

internal enum TaskVerdictKind
{
    Succeeded,
    Retryable,
    Failed,
}

/// <summary>
/// What a stopped task means for its job: the one place that decides retry or not. The cause is a word
/// of <see cref="FailureCauses"/>, what a metric may label the failure with (the reason is free text).
/// </summary>
internal sealed record TaskVerdict(TaskVerdictKind Kind, int? ExitCode, string Reason, string Cause = FailureCauses.None)
{
    public static TaskVerdict Of(TaskStopped stopped, JobSpec spec, JobLifecycleOptions options)
    {
        if (stopped.ExitCode is not { } code)
        {
            // The reason is ECS's (or a launcher's) sentence; this one ends it.
            var detail = string.IsNullOrEmpty(stopped.Reason) ? string.Empty : $": {stopped.Reason.TrimEnd('.', ' ')}";
            return options.RetryableStopCodes.Contains(stopped.StopCode)
                ? new(TaskVerdictKind.Retryable, null, $"The task stopped before the command ended ({stopped.StopCode}){detail}.", FailureCauses.Interrupted)
                : new(TaskVerdictKind.Failed, null, $"The task stopped before the command ended ({stopped.StopCode}){detail}.", FailureCauses.TaskStopped);
        }

        if (code == 0)
        {
            return new(TaskVerdictKind.Succeeded, 0, string.Empty);
        }

        if (options.RetryableStopCodes.Contains(stopped.StopCode))
        {
            return new(TaskVerdictKind.Retryable, code, $"The task was interrupted ({stopped.StopCode}) and the command exited with code {code}.", FailureCauses.Interrupted);
        }

        if (options.AgentFailureExitCodes.Contains(code))
        {
            return new(TaskVerdictKind.Retryable, code, $"The agent failed (exit code {code}).", FailureCauses.AgentFailed);
        }

        // The runtime may know why, such as the kernel killing it over its memory limit.
        var exited = stopped.ContainerReason is { Length: > 0 } why
            ? $"Command exited with code {code} ({why})."
            : $"Command exited with code {code}.";
        return spec.RetryOnExitCodes.Contains(code)
            ? new(TaskVerdictKind.Retryable, code, exited, FailureCauses.ExitCode)
            : new(TaskVerdictKind.Failed, code, exited, FailureCauses.ExitCode);
    }
}

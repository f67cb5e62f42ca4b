using EventPlatform.Contracts.Tasks;

namespace EventPlatform.EcsBridge;

/// <summary>The answer for a task the launcher does not know: gone without a word (its host died, or ECS forgot it), or never started.</summary>
public static class TaskLost
{
    public const string StopCode = "TaskLost";

    public static TaskStopped For(ReconcileTask task, TimeProvider clock) => new(
        task.JobId,
        task.Attempt,
        task.TaskId ?? string.Empty,
        ExitCode: null,
        StopCode,
        task.TaskId is null ? "The launcher knows no task of this attempt." : "The launcher no longer knows this task.",
        clock.GetUtcNow());
}

using EventPlatform.Contracts.Tasks;

namespace EventPlatform.EcsBridge;

/// <summary>The answer for a task the launcher does not know: gone without a word (its host died, or ECS forgot it).</summary>
public static class TaskLost
{
    public const string StopCode = "TaskLost";

    public static TaskStopped For(ReconcileTask task, TimeProvider clock) => new(
        task.JobId, task.Attempt, task.TaskId, ExitCode: null, StopCode, "The launcher no longer knows this task.", clock.GetUtcNow());
}

using EventPlatform.EcsBridge;
using EventPlatform.Contracts.Tasks;

namespace EventPlatform.LocalTasks.ProcessLauncher;

internal sealed partial class LocalTaskLauncher
{
    /// <summary>
    /// Local tasks are children of this process: one it is not running and did not end is lost
    /// (the process that ran it died). One that ended here has reported its stop already.
    /// </summary>
    public Task<TaskStopped?> ReconcileAsync(ReconcileTask task, CancellationToken cancellationToken) =>
        Task.FromResult(tasks.ContainsKey((task.JobId, task.Attempt)) || ended.Contains(task.JobId, task.Attempt)
            ? null
            : TaskLost.For(task, clock));
}

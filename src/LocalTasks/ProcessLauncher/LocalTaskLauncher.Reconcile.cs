using EventPlatform.Contracts;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge;

namespace EventPlatform.LocalTasks.ProcessLauncher;

internal sealed partial class LocalTaskLauncher
{
    /// <summary>
    /// Local tasks are children of this process. One that ended here answers with how it ended; one
    /// that runs is news only to an asker who knows no task yet (its RUNNING event was lost); one that
    /// is starting has nothing to say. One this process never ran is lost (the process that ran it
    /// died, or its launch never came): given up for good when the asker will relaunch.
    /// </summary>
    public Task<IJobMessage?> ReconcileAsync(ReconcileTask task, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (ended.TryGet(task.JobId, task.Attempt, out var outcome))
            {
                return Task.FromResult<IJobMessage?>(outcome ?? (task.TaskId is not null || task.RelaunchIfUnknown ? TaskLost.For(task, clock) : null));
            }

            if (tasks.TryGetValue((task.JobId, task.Attempt), out var local))
            {
                return Task.FromResult<IJobMessage?>(task.TaskId is null && local.StartedAt is { } startedAt
                    ? new TaskStarted(task.JobId, task.Attempt, local.TaskArn, startedAt)
                    : null);
            }

            if (task.TaskId is null && !task.RelaunchIfUnknown)
            {
                return Task.FromResult<IJobMessage?>(null);
            }

            ended.Remember(task.JobId, task.Attempt);
            return Task.FromResult<IJobMessage?>(TaskLost.For(task, clock));
        }
    }
}

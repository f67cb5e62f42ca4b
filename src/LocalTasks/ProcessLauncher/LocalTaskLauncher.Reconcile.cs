using EventPlatform.Contracts;
using EventPlatform.Contracts.Tasks;

namespace EventPlatform.LocalTasks.ProcessLauncher;

internal sealed partial class LocalTaskLauncher
{
    /// <summary>
    /// Local tasks are children of this process. One that ended here answers with how it ended; one
    /// that runs is news only to an asker who knows no task yet; one that is starting (its command has
    /// not started) has nothing to say. One this process never ran is lost (the process that ran it
    /// died, or its launch never came): given up for good when the asker will relaunch.
    /// </summary>
    public Task<IJobMessage?> ReconcileAsync(ReconcileTask task, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var running = tasks.TryGetValue((task.JobId, task.Attempt), out var local) && local.StartedAt is { } startedAt
                ? (local.TaskArn, startedAt)
                : ((string, DateTimeOffset)?)null;
            if (local is not null && running is null && !ended.Contains(task.JobId, task.Attempt))
            {
                return Task.FromResult<IJobMessage?>(null);
            }

            return Task.FromResult(ended.Answer(task, running, clock));
        }
    }
}

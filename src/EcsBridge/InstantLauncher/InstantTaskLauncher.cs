using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.LocalLauncher;
using EventPlatform.EcsBridge.TaskEvents;

namespace EventPlatform.EcsBridge.InstantLauncher;

/// <summary>
/// For benchmarks: every task starts and ends with exit code 0 the moment it is launched, so a
/// run measures the orchestration alone. Its events take the same path in as the local
/// launcher's (EventBridge-shaped JSON through <see cref="TaskEventIntake"/>).
/// </summary>
internal sealed class InstantTaskLauncher(TaskEventIntake intake, TimeProvider clock) : ITaskLauncher
{
    public const string StopCode = "EssentialContainerExited";
    public const string StoppedReason = "Essential container in task exited";

    public async Task LaunchAsync(LaunchTask launch, CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        var task = new LocalTask(launch.JobId, launch.Attempt, LocalTaskEvents.NewTaskArn(), workDirectory: string.Empty)
        {
            StartedAt = startedAt,
        };
        await intake.AcceptAsync(LocalTaskEvents.Running(task, startedAt), cancellationToken).ConfigureAwait(false);
        await intake.AcceptAsync(LocalTaskEvents.Stopped(task, clock.GetUtcNow(), exitCode: 0, StopCode, StoppedReason), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Nothing to stop: the task has already ended.</summary>
    public Task StopAsync(StopTask stop, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Null: the STOPPED event was accepted at launch, so there is nothing to reconcile.</summary>
    public Task<TaskStopped?> ReconcileAsync(ReconcileTask task, CancellationToken cancellationToken) =>
        Task.FromResult<TaskStopped?>(null);
}

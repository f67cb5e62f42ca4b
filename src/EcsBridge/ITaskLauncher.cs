using EventPlatform.Contracts.Tasks;

namespace EventPlatform.EcsBridge;

/// <summary>
/// Where tasks run: ECS Fargate (here), or on this machine (the LocalTasks module). The bridge's
/// consumers call it for LaunchTask, StopTask and ReconcileTask; what becomes of a task comes back
/// through <see cref="TaskEvents.TaskEventIntake"/> as ECS task state changes.
/// </summary>
public interface ITaskLauncher
{
    Task LaunchAsync(LaunchTask launch, CancellationToken cancellationToken);

    Task StopAsync(StopTask stop, CancellationToken cancellationToken);

    /// <summary>Null while the task runs; otherwise how it ended, or <see cref="TaskLost"/> when unknown.</summary>
    Task<TaskStopped?> ReconcileAsync(ReconcileTask task, CancellationToken cancellationToken);
}

using EventPlatform.Contracts.Tasks;

namespace EventPlatform.EcsBridge;

/// <summary>Where tasks run: ECS Fargate, or child processes of this host.</summary>
internal interface ITaskLauncher
{
    Task LaunchAsync(LaunchTask launch, CancellationToken cancellationToken);

    Task StopAsync(StopTask stop, CancellationToken cancellationToken);

    /// <summary>Null while the task runs; otherwise how it ended, or <see cref="TaskLost"/> when unknown.</summary>
    Task<TaskStopped?> ReconcileAsync(ReconcileTask task, CancellationToken cancellationToken);
}

using EventPlatform.Contracts;
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

    /// <summary>
    /// What became of an attempt (see <see cref="ReconcileTask"/>): <see cref="TaskStarted"/> while it
    /// runs and the asker named no task, <see cref="TaskStopped"/> once it ended (<see cref="TaskLost"/>
    /// when it is unknown and the asker named a task or will relaunch), or null when there is nothing to say.
    /// </summary>
    Task<IJobMessage?> ReconcileAsync(ReconcileTask task, CancellationToken cancellationToken);
}

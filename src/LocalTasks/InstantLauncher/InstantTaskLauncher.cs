using System.Collections.Concurrent;
using System.Globalization;
using EventPlatform.Contracts;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge;
using EventPlatform.EcsBridge.TaskEvents;

namespace EventPlatform.LocalTasks.InstantLauncher;

/// <summary>
/// For benchmarks: every task starts the moment it is launched and ends with exit code 0 at once,
/// so a run measures the orchestration alone. A job whose command is <c>sleep N</c> is held
/// running for N seconds instead (nothing runs meanwhile), so a run can keep thousands of jobs in
/// flight for the price of a timer each; a StopTask ends a held task at once. Its events take the
/// same path in as the local launcher's (EventBridge-shaped JSON through <see cref="TaskEventIntake"/>).
/// </summary>
internal sealed class InstantTaskLauncher(TaskEventIntake intake, TimeProvider clock) : ITaskLauncher, IDisposable
{
    public const string StopCode = "EssentialContainerExited";
    public const string StoppedReason = "Essential container in task exited";

    /// <summary>What a process ended by SIGTERM exits with, as a stopped local task would.</summary>
    private const int TerminatedExitCode = 128 + 15;

    private readonly ConcurrentDictionary<(Guid JobId, int Attempt), HeldTask> held = new();

    public async Task LaunchAsync(LaunchTask launch, CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        var task = new LocalTask(launch.JobId, launch.Attempt, LocalTaskEvents.NewTaskArn(), workDirectory: string.Empty)
        {
            StartedAt = startedAt,
            CorrelationId = launch.CorrelationId,
        };
        var key = (launch.JobId, launch.Attempt);
        if (HoldFor(launch.Spec.Command) is { } hold)
        {
            var entry = new HeldTask(task);
            if (!held.TryAdd(key, entry))
            {
                return;
            }

            await intake.AcceptAsync(LocalTaskEvents.Running(task, startedAt), cancellationToken).ConfigureAwait(false);
            entry.Timer = clock.CreateTimer(_ => _ = EndHeldAsync(key, stopReason: null), null, hold, Timeout.InfiniteTimeSpan);
            return;
        }

        await intake.AcceptAsync(LocalTaskEvents.Running(task, startedAt), cancellationToken).ConfigureAwait(false);
        await intake.AcceptAsync(LocalTaskEvents.Stopped(task, clock.GetUtcNow(), exitCode: 0, StopCode, StoppedReason), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Ends a held task as the platform asked; any other task has already ended.</summary>
    public Task StopAsync(StopTask stop, CancellationToken cancellationToken) =>
        EndHeldAsync((stop.JobId, stop.Attempt), stop.Reason);

    /// <summary>
    /// A held task is running (news only to an asker who knows no task); any other one's STOPPED event
    /// was accepted at launch, so there is nothing to say: benchmarks lose no events.
    /// </summary>
    public Task<IJobMessage?> ReconcileAsync(ReconcileTask task, CancellationToken cancellationToken) =>
        Task.FromResult<IJobMessage?>(
            task.TaskId is null && held.TryGetValue((task.JobId, task.Attempt), out var entry)
                ? new TaskStarted(task.JobId, task.Attempt, entry.Task.TaskArn, entry.Task.StartedAt!.Value)
                : null);

    public void Dispose()
    {
        foreach (var entry in held.Values)
        {
            entry.Timer?.Dispose();
        }
    }

    /// <summary>The hold of a <c>sleep N</c> command (N whole seconds, 1 to a day); null for anything else.</summary>
    internal static TimeSpan? HoldFor(IReadOnlyList<string> command) =>
        command is ["sleep", var seconds]
        && int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
        && n is > 0 and <= 86_400
            ? TimeSpan.FromSeconds(n)
            : null;

    /// <summary>Ends a held task: on its own when <paramref name="stopReason"/> is null, else as stopped by the platform.</summary>
    private async Task EndHeldAsync((Guid JobId, int Attempt) key, string? stopReason)
    {
        if (!held.TryRemove(key, out var entry))
        {
            return;
        }

        entry.Timer?.Dispose();
        var stopped = stopReason is null
            ? LocalTaskEvents.Stopped(entry.Task, clock.GetUtcNow(), exitCode: 0, StopCode, StoppedReason)
            : LocalTaskEvents.Stopped(entry.Task, clock.GetUtcNow(), TerminatedExitCode, "UserInitiated", stopReason);
        await intake.AcceptAsync(stopped, CancellationToken.None).ConfigureAwait(false);
    }

    private sealed class HeldTask(LocalTask task)
    {
        public LocalTask Task { get; } = task;

        public ITimer? Timer { get; set; }
    }
}

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
    private readonly EndedAttempts ended = new(clock);

    /// <summary>Launch, stop and question of one attempt are decided one at a time (see <see cref="EndedAttempts.Answer"/>).</summary>
    private readonly Lock gate = new();

    public async Task LaunchAsync(LaunchTask launch, CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        var task = new LocalTask(launch.JobId, launch.Attempt, LocalTaskEvents.NewTaskArn(), workDirectory: string.Empty)
        {
            StartedAt = startedAt,
            CorrelationId = launch.CorrelationId,
            TraceParent = launch.TraceParent,
        };
        var key = (launch.JobId, launch.Attempt);
        var hold = HoldFor(launch.Spec.Command);
        var entry = new HeldTask(task);
        lock (gate)
        {
            // Ended, given up, or held already: a launch delivered again must not run the attempt a second time.
            if (ended.Contains(launch.JobId, launch.Attempt) || (hold is not null && !held.TryAdd(key, entry)))
            {
                return;
            }

            if (hold is null)
            {
                ended.Remember(launch.JobId, launch.Attempt, Stopped(task, exitCode: 0, StopCode, StoppedReason));
            }
        }

        await intake.AcceptAsync(LocalTaskEvents.Running(task, startedAt), cancellationToken).ConfigureAwait(false);
        if (hold is not null)
        {
            entry.Timer = clock.CreateTimer(_ => _ = EndHeldAsync(key, stopReason: null), null, hold.Value, Timeout.InfiniteTimeSpan);
            return;
        }

        await intake.AcceptAsync(LocalTaskEvents.Stopped(task, startedAt, exitCode: 0, StopCode, StoppedReason), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Ends a held task as the platform asked; an attempt not seen yet is not started any more.</summary>
    public Task StopAsync(StopTask stop, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!held.ContainsKey((stop.JobId, stop.Attempt)) && !ended.Contains(stop.JobId, stop.Attempt))
            {
                ended.Remember(stop.JobId, stop.Attempt);
            }
        }

        return EndHeldAsync((stop.JobId, stop.Attempt), stop.Reason);
    }

    /// <summary>
    /// A held task runs; any other one ended at launch and answers with that outcome. One this process
    /// never launched (its host restarted, or its launch is still on its way) is lost when the asker
    /// named a task or will relaunch, and then never starts.
    /// </summary>
    public Task<IJobMessage?> ReconcileAsync(ReconcileTask task, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var running = held.TryGetValue((task.JobId, task.Attempt), out var entry)
                ? (entry.Task.TaskArn, entry.Task.StartedAt!.Value)
                : ((string, DateTimeOffset)?)null;
            return Task.FromResult(ended.Answer(task, running, clock));
        }
    }

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
        var (exitCode, stopCode, reason) = stopReason is null
            ? (0, StopCode, StoppedReason)
            : (TerminatedExitCode, "UserInitiated", stopReason);
        var stoppedAt = clock.GetUtcNow();
        HeldTask? entry;
        lock (gate)
        {
            if (!held.TryRemove(key, out entry))
            {
                return;
            }

            ended.Remember(key.JobId, key.Attempt, Stopped(entry.Task, exitCode, stopCode, reason, stoppedAt));
        }

        entry.Timer?.Dispose();
        await intake.AcceptAsync(LocalTaskEvents.Stopped(entry.Task, stoppedAt, exitCode, stopCode, reason), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The stop its event means, kept to answer a question about the attempt later.</summary>
    private static TaskStopped Stopped(LocalTask task, int exitCode, string stopCode, string reason, DateTimeOffset? at = null) =>
        new(task.JobId, task.Attempt, task.TaskArn, exitCode, stopCode, reason, at ?? task.StartedAt!.Value);

    private sealed class HeldTask(LocalTask task)
    {
        public LocalTask Task { get; } = task;

        public ITimer? Timer { get; set; }
    }
}

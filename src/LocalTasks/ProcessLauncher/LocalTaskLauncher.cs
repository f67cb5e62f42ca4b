using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using EventPlatform.Contracts.Agent;
using EventPlatform.Contracts.Artifacts;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge;
using EventPlatform.EcsBridge.TaskEvents;
using EventPlatform.LocalTasks.Sandboxing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventPlatform.LocalTasks.ProcessLauncher;

/// <summary>
/// Runs each task as the Agent in a child process with a private working directory and only
/// the job's environment, and reports its life as ECS task state changes.
/// </summary>
internal sealed partial class LocalTaskLauncher(
    TaskEventIntake intake,
    IOptions<LocalLauncherOptions> options,
    IOptions<ArtifactsOptions> artifactOptions,
    TimeProvider clock,
    ILogger<LocalTaskLauncher> logger) : ITaskLauncher, IDisposable
{
    private readonly ConcurrentDictionary<(Guid JobId, int Attempt), LocalTask> tasks = new();
    private readonly LocalLauncherOptions settings = options.Value;
    private readonly ArtifactsOptions artifacts = artifactOptions.Value;
    private readonly EndedAttempts ended = new(clock);

    /// <summary>
    /// Taking an attempt to run, refusing one (a stop before its launch, a question that gives it up)
    /// and starting its process are decided one at a time, so an attempt given up never starts.
    /// </summary>
    private readonly Lock gate = new();
    private readonly TaskSandbox sandbox = new(options.Value, logger);

    public async Task LaunchAsync(LaunchTask launch, CancellationToken cancellationToken)
    {
        var workDirectory = Path.Combine(settings.WorkRoot, $"{launch.JobId:N}-{launch.Attempt}");
        var task = new LocalTask(launch.JobId, launch.Attempt, LocalTaskEvents.NewTaskArn(), workDirectory) { CorrelationId = launch.CorrelationId, TraceParent = launch.TraceParent };
        lock (gate)
        {
            if (ended.Contains(launch.JobId, launch.Attempt))
            {
                LogLaunchOfEndedAttempt(launch.JobId, launch.Attempt);
                return;
            }

            if (!tasks.TryAdd((launch.JobId, launch.Attempt), task))
            {
                LogDuplicateLaunch(launch.JobId, launch.Attempt);
                return;
            }
        }

        try
        {
            Directory.CreateDirectory(workDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not launched after all: a retry of this LaunchTask must not be taken for a duplicate.
            tasks.TryRemove(new KeyValuePair<(Guid, int), LocalTask>((launch.JobId, launch.Attempt), task));
            throw;
        }

        task.LiveLog = OpenLiveLog(task);
        if (settings.Sandbox)
        {
            try
            {
                task.Sandbox = await sandbox.EnterAsync(launch.JobId, launch.Attempt, launch.Spec.Limits).ConfigureAwait(false);
            }
            catch (SandboxUnavailableException ex)
            {
                await FinishAsync(task, exitCode: null, "TaskFailedToStart", $"Cannot sandbox the task: {ex.Message}", cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        task.Run = AgentRun.Start(launch);
        var process = new Process { StartInfo = AgentStartInfo(launch, workDirectory, task.Sandbox, task.Run?.Id), EnableRaisingEvents = true };
        string? notStarted = null;
        lock (gate)
        {
            if (ended.Contains(launch.JobId, launch.Attempt))
            {
                notStarted = "The platform gave up on this attempt before it started.";
            }
            else
            {
                try
                {
                    process.Start();
                    task.Process = process;
                }
                catch (Win32Exception ex)
                {
                    notStarted = $"Cannot start the agent: {ex.Message}";
                }
            }
        }

        if (notStarted is not null)
        {
            process.Dispose();
            await FinishAsync(task, exitCode: null, "TaskFailedToStart", notStarted, cancellationToken).ConfigureAwait(false);
            return;
        }

        // RUNNING is reported when the Agent says the command started (RelayAsync), not now: the job's
        // time counts from its command, not from the Agent's own start-up.
        LogLaunched(launch.JobId, launch.Attempt, task.TaskArn, process.Id);
        _ = FollowAsync(task, process);
    }

    public Task StopAsync(StopTask stop, CancellationToken cancellationToken)
    {
        LocalTask? task;
        Process? process;
        lock (gate)
        {
            if (!tasks.TryGetValue((stop.JobId, stop.Attempt), out task) || task.Process is not { } started)
            {
                // Its LaunchTask may still be on its way, or its process about to start: it must not start any more.
                if (!ended.Contains(stop.JobId, stop.Attempt))
                {
                    ended.Remember(stop.JobId, stop.Attempt);
                }

                LogStopOfUnknownTask(stop.JobId, stop.Attempt);
                return Task.CompletedTask;
            }

            process = started;
        }

        task.StopReason = stop.Reason;
        LogStopping(stop.JobId, stop.Attempt, stop.Reason);
        _ = NativeSignals.Terminate(process.Id);
        _ = KillAfterGraceAsync(process);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var task in tasks.Values)
        {
            try
            {
                task.Process?.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
        }
    }

    private async Task FollowAsync(LocalTask task, Process process)
    {
        try
        {
            var relayOut = RelayAsync(task, process.StandardOutput);
            var relayErr = RelayAsync(task, process.StandardError);
            await process.WaitForExitAsync().ConfigureAwait(false);
            await Task.WhenAll(relayOut, relayErr).ConfigureAwait(false);
            var (stopCode, reason) = task.StopReason is { } stopReason
                ? ("UserInitiated", stopReason)
                : ("EssentialContainerExited", "Essential container in task exited");
            task.ContainerReason = task.Sandbox?.ContainerReason(process.ExitCode);
            await FinishAsync(task, process.ExitCode, stopCode, reason, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A background follower must log, not crash the host.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFollowFailed(ex, task.JobId, task.Attempt);
        }
        finally
        {
            process.Dispose();
        }
    }

    private async Task FinishAsync(LocalTask task, int? exitCode, string stopCode, string reason, CancellationToken cancellationToken)
    {
        task.LiveLog?.Dispose();
        if (task.Sandbox is { } sandboxed)
        {
            // Before STOPPED goes out: nothing of this attempt may still run when the next one starts.
            await sandboxed.ReleaseAsync().ConfigureAwait(false);
        }

        LogStopped(task.JobId, task.Attempt, exitCode, stopCode);
        AgentRun.End(task.Run, exitCode, stopCode);
        var stoppedAt = clock.GetUtcNow();
        ended.Remember(
            task.JobId,
            task.Attempt,
            new TaskStopped(task.JobId, task.Attempt, task.TaskArn, exitCode, stopCode, reason, stoppedAt) { ContainerReason = task.ContainerReason });
        await intake.AcceptAsync(LocalTaskEvents.Stopped(task, stoppedAt, exitCode, stopCode, reason), cancellationToken).ConfigureAwait(false);
        tasks.TryRemove(new KeyValuePair<(Guid, int), LocalTask>((task.JobId, task.Attempt), task));
        try
        {
            Directory.Delete(task.WorkDirectory, recursive: true);
        }
        catch (IOException ex)
        {
            LogCleanupFailed(ex, task.WorkDirectory);
        }
    }

    private async Task RelayAsync(LocalTask task, StreamReader reader)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            LogTaskOutput(task.JobId, task.Attempt, line);
            task.LiveLog?.Append(line);
            if (task.StartedAt is null && AgentLogRecord.IsCommandStarted(line))
            {
                await ReportRunningAsync(task).ConfigureAwait(false);
            }
        }
    }

    private async Task ReportRunningAsync(LocalTask task)
    {
        DateTimeOffset startedAt;
        lock (gate)
        {
            startedAt = clock.GetUtcNow();
            task.StartedAt = startedAt;
        }

        await intake.AcceptAsync(LocalTaskEvents.Running(task, startedAt), CancellationToken.None).ConfigureAwait(false);
    }

    private LiveLog? OpenLiveLog(LocalTask task)
    {
        var path = ArtifactLayout.LiveLogPath(artifacts.LocalRoot, task.JobId, task.Attempt);
        try
        {
            return LiveLog.Open(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogLiveLogUnavailable(ex, task.JobId, task.Attempt, path);
            return null;
        }
    }

    private async Task KillAfterGraceAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(settings.StopGrace + TimeSpan.FromSeconds(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited and disposed meanwhile.
        }
    }
}

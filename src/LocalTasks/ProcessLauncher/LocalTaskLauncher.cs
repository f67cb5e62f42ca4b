using EventPlatform.EcsBridge;
using EventPlatform.Contracts.Agent;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Contracts.Artifacts;
using EventPlatform.LocalTasks.Sandboxing;
using EventPlatform.EcsBridge.TaskEvents;
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
    private const string SafePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
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
        var task = new LocalTask(launch.JobId, launch.Attempt, LocalTaskEvents.NewTaskArn(), workDirectory) { CorrelationId = launch.CorrelationId };
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

        var process = new Process { StartInfo = AgentStartInfo(launch, workDirectory, task.Sandbox), EnableRaisingEvents = true };
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
                    task.StartedAt = clock.GetUtcNow();
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

        LogLaunched(launch.JobId, launch.Attempt, task.TaskArn, process.Id);
        await intake.AcceptAsync(LocalTaskEvents.Running(task, task.StartedAt!.Value), cancellationToken).ConfigureAwait(false);
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

    private ProcessStartInfo AgentStartInfo(LaunchTask launch, string workDirectory, SandboxedTask? sandboxed)
    {
        var startInfo = new ProcessStartInfo(DotnetHost.Path)
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(settings.AgentPath);
        foreach (var argument in launch.Spec.Command)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Nothing of the host's environment leaks into a job: only what the job set, plus what
        // a process needs to find programs and the agent needs to know its task.
        startInfo.Environment.Clear();
        startInfo.Environment["PATH"] = SafePath;
        startInfo.Environment["HOME"] = workDirectory;
        // Sandboxed, the job's variables travel inert, for the sandbox's last step to set once root is gone.
        foreach (var (name, value) in sandboxed is null ? launch.Spec.Env : SandboxedTask.JobVariables(launch.Spec.Env))
        {
            startInfo.Environment[name] = value;
        }

        foreach (var name in ArtifactVariables.Reserved)
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var (name, value) in ArtifactVariables.For(artifacts, launch.JobId, launch.Attempt))
        {
            startInfo.Environment[name] = value;
        }

        startInfo.Environment[TaskVariables.JobId] = launch.JobId.ToString();
        startInfo.Environment[TaskVariables.Attempt] = launch.Attempt.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment[TaskVariables.StopGraceSeconds] = ((int)settings.StopGrace.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        startInfo.Environment[TaskVariables.ExitWithParent] = "1";
        startInfo.Environment.Remove(TaskVariables.CorrelationId);
        if (launch.CorrelationId is { } correlationId)
        {
            startInfo.Environment[TaskVariables.CorrelationId] = correlationId.ToString("N");
        }
        foreach (var (name, value) in sandboxed?.AgentVariables() ?? [])
        {
            startInfo.Environment[name] = value;
        }

        return startInfo;
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
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Launched job {JobId} attempt {Attempt} as {TaskArn} (pid {Pid})")]
    private partial void LogLaunched(Guid jobId, int attempt, string taskArn, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task of job {JobId} attempt {Attempt} stopped: exit code {ExitCode}, {StopCode}")]
    private partial void LogStopped(Guid jobId, int attempt, int? exitCode, string stopCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping job {JobId} attempt {Attempt}: {Reason}")]
    private partial void LogStopping(Guid jobId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Duplicate launch of job {JobId} attempt {Attempt} ignored")]
    private partial void LogDuplicateLaunch(Guid jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Launch of job {JobId} attempt {Attempt} ignored: that attempt already ended, was stopped or was given up")]
    private partial void LogLaunchOfEndedAttempt(Guid jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stop of job {JobId} attempt {Attempt}: no such task is running here; it will not be launched")]
    private partial void LogStopOfUnknownTask(Guid jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} attempt {Attempt}: {AgentLine}")]
    private partial void LogTaskOutput(Guid jobId, int attempt, string agentLine);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lost track of job {JobId} attempt {Attempt}")]
    private partial void LogFollowFailed(Exception exception, Guid jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} attempt {Attempt} runs without a live log: cannot write {Path}")]
    private partial void LogLiveLogUnavailable(Exception exception, Guid jobId, int attempt, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove task directory {WorkDirectory}")]
    private partial void LogCleanupFailed(Exception exception, string workDirectory);
}

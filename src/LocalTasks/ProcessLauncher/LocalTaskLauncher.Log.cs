using Microsoft.Extensions.Logging;

namespace EventPlatform.LocalTasks.ProcessLauncher;

internal sealed partial class LocalTaskLauncher
{
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

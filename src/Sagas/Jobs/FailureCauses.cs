namespace EventPlatform.Sagas.Jobs;

/// <summary>Why an attempt failed, in a few fixed words: a metric label must not grow with free text.</summary>
public static class FailureCauses
{
    public const string None = "none";
    public const string ExitCode = "exit_code";
    public const string AgentFailed = "agent_failed";
    public const string Interrupted = "interrupted";
    public const string TaskStopped = "task_stopped";
    public const string StartTimeout = "start_timeout";
    public const string LaunchFailed = "launch_failed";
}

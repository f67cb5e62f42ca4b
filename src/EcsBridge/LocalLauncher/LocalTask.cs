using System.Diagnostics;

namespace EventPlatform.EcsBridge.LocalLauncher;

/// <summary>One attempt of a job running as a child process of this host.</summary>
internal sealed class LocalTask(Guid jobId, int attempt, string taskArn, string workDirectory)
{
    public Guid JobId { get; } = jobId;
    public int Attempt { get; } = attempt;
    public string TaskArn { get; } = taskArn;
    public string WorkDirectory { get; } = workDirectory;
    public Process? Process { get; set; }
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>Set when the platform asked for the stop, so the STOPPED event says UserInitiated.</summary>
    public string? StopReason { get; set; }
}

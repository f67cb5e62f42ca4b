using System.Diagnostics;
using EventPlatform.LocalTasks.Sandboxing;

namespace EventPlatform.LocalTasks;

/// <summary>One attempt of a job running as a child process of this host.</summary>
internal sealed class LocalTask(Guid jobId, int attempt, string taskArn, string workDirectory)
{
    public Guid JobId { get; } = jobId;
    public int Attempt { get; } = attempt;
    public string TaskArn { get; } = taskArn;
    public string WorkDirectory { get; } = workDirectory;

    /// <summary>The job's correlation id, which its task events carry back as ECS's would.</summary>
    public Guid? CorrelationId { get; init; }

    /// <summary>The job's trace, which the Agent and the task's events carry as ECS's would (<c>EP_TRACEPARENT</c>).</summary>
    public string? TraceParent { get; init; }

    /// <summary>The Agent's run as a span of the job's trace (<see cref="ProcessLauncher.AgentRun"/>), ended when its process exits.</summary>
    public Activity? Run { get; set; }
    public Process? Process { get; set; }
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>The command's output so far, for the logs endpoint; null if it could not be opened.</summary>
    public LiveLog? LiveLog { get; set; }

    /// <summary>Set when the platform asked for the stop, so the STOPPED event says UserInitiated.</summary>
    public string? StopReason { get; set; }

    /// <summary>The task's uid and cgroups, when the launcher sandboxes tasks.</summary>
    public SandboxedTask? Sandbox { get; set; }

    /// <summary>Set when a limit of the sandbox ended the command: the STOPPED event's <c>containers[].reason</c>.</summary>
    public string? ContainerReason { get; set; }
}

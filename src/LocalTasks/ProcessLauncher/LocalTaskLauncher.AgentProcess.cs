using System.Diagnostics;
using System.Globalization;
using EventPlatform.Contracts.Agent;
using EventPlatform.Contracts.Artifacts;
using EventPlatform.Contracts.Tasks;
using EventPlatform.LocalTasks.Sandboxing;

namespace EventPlatform.LocalTasks.ProcessLauncher;

internal sealed partial class LocalTaskLauncher
{
    private const string SafePath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>The Agent's process; <paramref name="agentTraceParent"/> is its run's span (when the job has a trace), which its lines name.</summary>
    private ProcessStartInfo AgentStartInfo(LaunchTask launch, string workDirectory, SandboxedTask? sandboxed, string? agentTraceParent)
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

        startInfo.Environment.Remove(TaskVariables.TraceParent);
        if ((agentTraceParent ?? launch.TraceParent) is { } traceParent)
        {
            startInfo.Environment[TaskVariables.TraceParent] = traceParent;
        }

        foreach (var (name, value) in sandboxed?.AgentVariables() ?? [])
        {
            startInfo.Environment[name] = value;
        }

        return startInfo;
    }
}

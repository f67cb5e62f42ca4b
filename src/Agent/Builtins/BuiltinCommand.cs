using EventPlatform.Contracts.Agent;

namespace EventPlatform.Agent.Builtins;

/// <summary>
/// A job whose command is <c>["ep-builtin", NAME, args...]</c> runs one of the demo workloads.
/// The agent runs it as any other command: it starts itself again in workload mode through the
/// runner, so a built-in gets the same process group, sandbox, limits, output relay and stop handling.
/// </summary>
internal static class BuiltinCommand
{
    public const string Name = BuiltinWorkloads.Command;

    /// <summary>The first argument of the agent's own child.</summary>
    public const string ChildMarker = "--ep-builtin-workload";

    /// <summary>Set by the agent for its child only (the sandbox passes it on).</summary>
    public const string ChildVariable = "EP_BUILTIN_WORKLOAD";

    public static bool IsBuiltin(string[] command) => command is [Name, ..];

    /// <summary>
    /// Workload mode needs the marker, <see cref="ChildVariable"/>, and no job id: every launcher
    /// sets <c>EP_JOB_ID</c> on a task whatever the job's own environment says, and the agent
    /// removes it for its child only, so a job cannot have its agent run a workload in-process,
    /// outside the command's sandbox.
    /// </summary>
    public static bool IsChild(string[] args) =>
        args is [ChildMarker, _, ..]
        && Environment.GetEnvironmentVariable(ChildVariable) == "1"
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(TaskVariables.JobId));

    /// <summary>The command that runs the workload <paramref name="command"/> names, or null (with the reason) when it cannot.</summary>
    public static (string[]? Command, string? Problem) ChildCommand(string[] command)
    {
        if (command.Length < 2 || !BuiltinWorkloads.Names.Contains(command[1], StringComparer.Ordinal))
        {
            return (null, $"No built-in workload '{(command.Length > 1 ? command[1] : string.Empty)}'; known: {string.Join(", ", BuiltinWorkloads.Names)}.");
        }

        var assembly = typeof(BuiltinCommand).Assembly.Location;
        var process = Environment.ProcessPath;
        if (process is null || (Path.GetFileNameWithoutExtension(process) == "dotnet" && assembly.Length == 0))
        {
            return (null, "The agent cannot tell where its own program is, so it cannot run a built-in workload.");
        }

        // The agent's own environment is the base of the command's: these changes reach the child only.
        Environment.SetEnvironmentVariable(ChildVariable, "1");
        Environment.SetEnvironmentVariable(TaskVariables.JobId, null);
        string[] self = Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, assembly] : [process];
        return ([.. self, ChildMarker, .. command[1..]], null);
    }
}

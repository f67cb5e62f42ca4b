using EventPlatform.EcsBridge.TaskEvents;

namespace EventPlatform.EcsBridge.LocalLauncher.Sandboxing;

/// <summary>What the local launcher tells the Agent about a task's sandbox; src/Agent/Sandbox.cs reads the same names.</summary>
internal static class SandboxVariables
{
    public const string Enabled = "EP_SANDBOX";
    public const string Uid = "EP_SANDBOX_UID";
    public const string MemoryCgroup = "EP_SANDBOX_MEMORY_CGROUP";
    public const string PidsCgroup = "EP_SANDBOX_PIDS_CGROUP";
    public const string MemoryMiB = "EP_LIMIT_MEMORY_MIB";
    public const string CpuSeconds = "EP_LIMIT_CPU_SECONDS";
    public const string Processes = "EP_LIMIT_PROCESSES";
    public const string OpenFiles = "EP_LIMIT_OPEN_FILES";

    /// <summary>
    /// The job's own variables reach the Agent under this prefix, inert: the Agent and the sandbox's
    /// first steps run as root, and a job's LD_PRELOAD or DOTNET_STARTUP_HOOKS must not run code
    /// there. The sandbox's last step sets them, as the task's uid.
    /// </summary>
    public const string JobVariablePrefix = TaskEnvironment.JobVariablePrefix;
}

namespace EventPlatform.Contracts.Agent;

/// <summary>What the local launcher tells the Agent about a task's sandbox (docs/adr/0010-local-sandbox.md).</summary>
public static class SandboxVariables
{
    public const string Enabled = "EP_SANDBOX";
    public const string Uid = "EP_SANDBOX_UID";
    public const string MemoryCgroup = "EP_SANDBOX_MEMORY_CGROUP";
    public const string PidsCgroup = "EP_SANDBOX_PIDS_CGROUP";
    public const string MemoryMiB = "EP_LIMIT_MEMORY_MIB";
    public const string CpuSeconds = "EP_LIMIT_CPU_SECONDS";
    public const string Processes = "EP_LIMIT_PROCESSES";
    public const string OpenFiles = "EP_LIMIT_OPEN_FILES";
}

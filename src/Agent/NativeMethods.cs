using System.Runtime.InteropServices;

namespace EventPlatform.Agent;

/// <summary>.NET can only SIGKILL one process or a tree it can still see; a job's process group needs kill(2).</summary>
internal static partial class NativeMethods
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>Signals every process in the group led by <paramref name="groupId"/>.</summary>
    public static void SignalGroup(int groupId, int signal) => _ = Kill(-groupId, signal);

    [LibraryImport("libc", EntryPoint = "getppid")]
    public static partial int ParentProcessId();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

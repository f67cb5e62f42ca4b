using System.Runtime.InteropServices;

namespace EventPlatform.LocalTasks;

/// <summary>.NET can only SIGKILL a child; a graceful stop needs SIGTERM from libc.</summary>
internal static partial class NativeSignals
{
    private const int SigTerm = 15;

    public static int Terminate(int pid) => Kill(pid, SigTerm);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

using System.Runtime.InteropServices;

namespace EventPlatform.Agent;

/// <summary>.NET can only SIGKILL one process or a tree it can still see; a job's process group needs kill(2).</summary>
internal static partial class NativeMethods
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>Signals every process in the group led by <paramref name="groupId"/>.</summary>
    public static void SignalGroup(int groupId, int signal) => _ = Kill(-groupId, signal);

    /// <summary>Makes <paramref name="uid"/> the owner and group of <paramref name="path"/> itself (a link is not followed).</summary>
    /// <exception cref="IOException">The kernel refused.</exception>
    public static void ChangeOwner(string path, int uid)
    {
        if (ChangeLinkOwner(path, uid, uid) != 0)
        {
            throw new IOException($"Cannot hand {path} to uid {uid}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChangeLinkOwner(string path, int owner, int group);

    [LibraryImport("libc", EntryPoint = "getppid")]
    public static partial int ParentProcessId();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

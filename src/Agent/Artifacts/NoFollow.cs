using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EventPlatform.Agent.Artifacts;

/// <summary>
/// What the walk over a job's artifacts needs of libc, which .NET does not offer: openat(2) relative
/// to an open folder with O_NOFOLLOW, statx(2) of a name (not following it) or of an open descriptor,
/// and readdir(3) of an open folder. A name is never resolved through a path string again once its
/// folder is open, so nothing swapped in between two calls is followed.
/// </summary>
internal static unsafe partial class NoFollow
{
    public const int NoSuchEntry = 2;
    public const int NoDevice = 6;
    public const int NotAFolder = 20;
    public const int TooManyLinks = 40;

    private const int ReadOnly = 0;
    private const int NoControllingTerminal = 0x100;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int CurrentDirectory = -100;
    private const int SymlinkNoFollow = 0x100;
    private const int EmptyPath = 0x1000;
    private const uint BasicStats = 0x7ff;

    /// <summary>
    /// O_DIRECTORY and O_NOFOLLOW differ between architectures; a wrong guess would follow links, so
    /// others (and 32-bit ones, whose struct dirent differs) are refused.
    /// </summary>
    private static readonly (int Directory, int NoFollow) PathFlags = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.RiscV64 or Architecture.LoongArch64 or Architecture.S390x => (0x10000, 0x20000),
        Architecture.Arm64 or Architecture.Ppc64le => (0x4000, 0x8000),
        _ => (0, 0),
    };

    public static bool Supported => OperatingSystem.IsLinux() && PathFlags.NoFollow != 0;

    /// <summary>The folder at an absolute <paramref name="path"/>, no component of which may be a link; invalid, with errno, otherwise.</summary>
    public static DirectoryStream OpenDirectory(string path, out int error)
    {
        var folder = Open(CurrentDirectory, "/"u8.ToArray(), PathFlags.Directory, out error);
        foreach (var component in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (folder < 0)
            {
                return new DirectoryStream();
            }

            var name = System.Text.Encoding.UTF8.GetBytes(component);
            var next = Open(folder, name, PathFlags.Directory | PathFlags.NoFollow, out error);
            if (error == NotAFolder && StatX(folder, Terminated(name), SymlinkNoFollow, BasicStats, out var stat) == 0 && stat.Kind == EntryKind.Link)
            {
                // O_DIRECTORY answers first for a link; the caller is told what the entry is.
                error = TooManyLinks;
            }

            _ = Close(folder);
            folder = next;
        }

        return folder < 0 ? new DirectoryStream() : Stream(folder, out error);
    }

    /// <summary>
    /// The entry <paramref name="name"/> of <paramref name="folder"/>, opened for reading without following
    /// it, and without blocking on a FIFO or taking a terminal; -1 and errno when it cannot be.
    /// </summary>
    public static int OpenEntry(DirectoryStream folder, byte[] name, out int error) =>
        Open(DirectoryDescriptor(folder), name, NonBlocking | NoControllingTerminal | PathFlags.NoFollow, out error);

    /// <summary>A folder stream over an open folder's <paramref name="descriptor"/>, which it then owns (and closes when it cannot).</summary>
    public static DirectoryStream Stream(int descriptor, out int error)
    {
        var stream = OpenDirectoryStream(descriptor);
        error = stream == IntPtr.Zero ? Marshal.GetLastPInvokeError() : 0;
        if (stream == IntPtr.Zero)
        {
            _ = Close(descriptor);
        }

        return new DirectoryStream(stream);
    }

    /// <summary>What <paramref name="name"/> in <paramref name="folder"/> is, itself (a link is not followed).</summary>
    public static bool TryStat(DirectoryStream folder, byte[] name, out EntryStat stat, out int error) =>
        Check(StatX(DirectoryDescriptor(folder), Terminated(name), SymlinkNoFollow, BasicStats, out stat), out error);

    /// <summary>What the open <paramref name="descriptor"/> is: the only answer that cannot change before it is read.</summary>
    public static bool TryStat(int descriptor, out EntryStat stat, out int error) =>
        Check(StatX(descriptor, [0], EmptyPath, BasicStats, out stat), out error);

    /// <summary>The next name in <paramref name="folder"/> as its bytes, "." and ".." included; null at the end.</summary>
    public static byte[]? ReadName(DirectoryStream folder)
    {
        var entry = ReadDirectory(folder.DangerousGetHandle());
        if (entry == IntPtr.Zero)
        {
            return null;
        }

        // struct dirent on 64-bit glibc and musl: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
        var name = (byte*)entry + 19;
        return new ReadOnlySpan<byte>(name, MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name).Length).ToArray();
    }

    public static SafeFileHandle Handle(int descriptor) => new(descriptor, ownsHandle: true);

    /// <summary>Closes a descriptor from <see cref="OpenEntry"/> that is not handed on.</summary>
    public static void Release(int descriptor) => _ = Close(descriptor);

    public static string Describe(int error) => Marshal.GetPInvokeErrorMessage(error);

    private static int Open(int folder, byte[] name, int flags, out int error)
    {
        var descriptor = OpenAt(folder, Terminated(name), ReadOnly | CloseOnExec | flags);
        error = descriptor < 0 ? Marshal.GetLastPInvokeError() : 0;
        return descriptor;
    }

    private static int DirectoryDescriptor(DirectoryStream folder) => DirectoryFd(folder.DangerousGetHandle());

    private static bool Check(int result, out int error)
    {
        error = result == 0 ? 0 : Marshal.GetLastPInvokeError();
        return result == 0;
    }

    private static byte[] Terminated(byte[] name) => [.. name, 0];

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static partial int OpenAt(int folder, byte[] path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int StatX(int folder, byte[] path, int flags, uint mask, out EntryStat stat);

    [LibraryImport("libc", EntryPoint = "fdopendir", SetLastError = true)]
    private static partial IntPtr OpenDirectoryStream(int descriptor);

    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    private static partial IntPtr ReadDirectory(IntPtr stream);

    [LibraryImport("libc", EntryPoint = "dirfd")]
    private static partial int DirectoryFd(IntPtr stream);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);

    [LibraryImport("libc", EntryPoint = "closedir")]
    internal static partial int CloseDirectory(IntPtr stream);
}

/// <summary>An open folder (a DIR*), closed with closedir(3); invalid when it could not be opened.</summary>
internal sealed class DirectoryStream : SafeHandle
{
    public DirectoryStream()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public DirectoryStream(IntPtr stream)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(stream);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() => NoFollow.CloseDirectory(handle) == 0;
}

/// <summary>The part of struct statx the walk reads; its layout is the same on every architecture.</summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct EntryStat
{
    [FieldOffset(16)]
    public uint Links;

    [FieldOffset(20)]
    public uint Owner;

    [FieldOffset(28)]
    public ushort Mode;

    [FieldOffset(40)]
    public ulong Size;

    public readonly EntryKind Kind => (Mode & 0xF000) switch
    {
        0x8000 => EntryKind.File,
        0x4000 => EntryKind.Folder,
        0xA000 => EntryKind.Link,
        0x1000 => EntryKind.Fifo,
        0xC000 => EntryKind.Socket,
        _ => EntryKind.Device,
    };
}

internal enum EntryKind
{
    File,
    Folder,
    Link,
    Fifo,
    Socket,
    Device,
}

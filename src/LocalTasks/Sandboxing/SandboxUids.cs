namespace EventPlatform.LocalTasks.Sandboxing;

/// <summary>
/// Gives each sandboxed task a uid of its own from a range no account uses: RLIMIT_NPROC then counts
/// that task's processes alone, tasks cannot signal or read one another, and whatever a task left
/// running is found by its uid. A lock file per uid, held while the task runs, keeps two hosts on
/// one machine from handing out the same uid; the kernel drops the lock of a host that dies.
/// </summary>
internal sealed class SandboxUids(int first, int count, string lockDirectory)
{
    private int next = -1;

    /// <exception cref="SandboxUnavailableException">Every uid of the range is taken.</exception>
    public SandboxUid Take()
    {
        for (var tried = 0; tried < count; tried++)
        {
            if (TryTake(first + (int)((uint)Interlocked.Increment(ref next) % (uint)count)) is { } uid)
            {
                return uid;
            }
        }

        throw new SandboxUnavailableException($"all {count} sandbox uids from {first} are in use");
    }

    public bool Contains(int uid) => uid >= first && uid - first < count;

    /// <summary>That uid, unless a task here or on another host has it.</summary>
    public SandboxUid? TryTake(int uid)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new SandboxUnavailableException("the local sandbox runs on Linux only");
        }

        Directory.CreateDirectory(lockDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            // FileShare.None takes flock(LOCK_EX | LOCK_NB) on the file.
            var lockFile = new FileStream(Path.Combine(lockDirectory, $"{uid}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new SandboxUid(uid, lockFile);
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>A uid held for one task, until disposed.</summary>
internal sealed class SandboxUid(int value, FileStream lockFile) : IDisposable
{
    public int Value { get; } = value;

    public void Dispose() => lockFile.Dispose();
}

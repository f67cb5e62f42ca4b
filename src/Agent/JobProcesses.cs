using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace EventPlatform.Agent;

/// <summary>
/// Every process of an attempt, found by the uid the command ran as and, in the local sandbox, by the
/// task's cgroups. The agent reads the files the command wrote as root: a helper the command left
/// behind (setsid escapes the process group) could swap them for links to the host's files between a
/// check and an open (issue 12). So they are read only once this says nothing of the attempt runs.
/// </summary>
internal sealed class JobProcesses(int uid, IReadOnlyList<string> cgroups, string setpriv, string shell)
{
    /// <summary>Like the launcher's sweep: a process that ignores SIGKILL this long is stuck in the kernel.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(20);

    public int Uid { get; } = uid;

    /// <summary>
    /// kill(-1, SIGKILL) as the uid, again until no process of the uid and no member of the cgroups is
    /// alive: kill(2) returns before its targets are gone, and a syscall under way (a rename) completes
    /// first. Null once everything is gone; else what still runs after <paramref name="patience"/>.
    /// </summary>
    public async Task<string?> EndAllAsync(TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string? problem;
            List<int> alive;
            try
            {
                problem = await KillAllAsync(patience).ConfigureAwait(false);
                alive = Alive();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return $"Cannot tell whether the processes of uid {Text(Uid)} are gone: {ex.Message}";
            }

            if (alive.Count == 0)
            {
                return null;
            }

            if (clock.Elapsed >= patience)
            {
                return $"{Text(alive.Count)} process(es) of uid {Text(Uid)} (pids {string.Join(", ", alive.Select(Text))}) "
                    + $"still ran {patience.TotalSeconds:0} s after the command ended{(problem is null ? string.Empty : $": {problem}")}.";
            }

            await Task.Delay(Pause).ConfigureAwait(false);
        }
    }

    /// <summary>The kernel signals every process of the uid at once (but the sender), so even a fork bomb cannot outrun it.</summary>
    private async Task<string?> KillAllAsync(TimeSpan patience)
    {
        var startInfo = new ProcessStartInfo(setpriv) { UseShellExecute = false };
        foreach (var argument in JobEnvironment.DropPrivileges(setpriv, Uid).Skip(1).Concat([shell, "-c", "kill -9 -1 2>/dev/null; exit 0"]))
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        startInfo.Environment["PATH"] = "/usr/bin:/bin";
        try
        {
            using var sweep = Process.Start(startInfo)!;
            using var timeout = new CancellationTokenSource(patience);
            await sweep.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return sweep.ExitCode == 0 ? null : $"{setpriv} exited with {Text(sweep.ExitCode)}";
        }
        catch (Win32Exception ex)
        {
            return $"cannot run {setpriv}: {ex.Message}";
        }
        catch (OperationCanceledException)
        {
            return $"the sweep did not end within {patience.TotalSeconds:0} s";
        }
    }

    /// <summary>The live pids of the uid (any of its real, effective, saved or filesystem uids) or in the cgroups.</summary>
    private List<int> Alive()
    {
        var candidates = new HashSet<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && HasUid(folder))
            {
                candidates.Add(pid);
            }
        }

        foreach (var cgroup in cgroups)
        {
            foreach (var line in File.ReadLines(Path.Combine(cgroup, "cgroup.procs")))
            {
                candidates.Add(int.Parse(line, NumberStyles.None, CultureInfo.InvariantCulture));
            }
        }

        return [.. candidates.Where(IsAlive).Order()];
    }

    private bool HasUid(string process)
    {
        try
        {
            var line = File.ReadLines(Path.Combine(process, "status")).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return line is not null && line.Split('\t', StringSplitOptions.RemoveEmptyEntries).Skip(1).Contains(Text(Uid));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone between the listing and the read.
            return false;
        }
    }

    /// <summary>
    /// A process is gone once each of its threads is a zombie: a leader that exited while its other
    /// threads run is a zombie too, so every thread is looked at.
    /// </summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{Text(pid)}/task").Any(IsRunning);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsRunning(string task)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // This thread ended between the listing and the read; the others decide.
            return false;
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

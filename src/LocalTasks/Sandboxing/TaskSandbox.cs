using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using EventPlatform.Contracts.Agent;
using EventPlatform.Contracts.Jobs;
using EventPlatform.LocalTasks.ProcessLauncher;
using Microsoft.Extensions.Logging;

namespace EventPlatform.LocalTasks.Sandboxing;

/// <summary>
/// The launcher's half of the local sandbox (docs/adr/0010-local-sandbox.md): a uid and cgroups per
/// task, the variables that tell the Agent how to confine the command, the reason when a limit
/// ended it, and the sweep of everything the task left running. The Agent does the confining.
/// </summary>
internal sealed partial class TaskSandbox(LocalLauncherOptions settings, ILogger logger)
{
    private const string CgroupPrefix = "eventplatform-sandbox-";
    private readonly SandboxUids uids = new(settings.SandboxFirstUid, settings.SandboxUidCount, settings.SandboxLockDirectory);
    private readonly Lazy<CgroupParents> cgroupParents = new(CgroupParents.Discover);
    private readonly Lock gate = new();
    private Task? leftoversSwept;

    /// <exception cref="SandboxUnavailableException">This host cannot sandbox a task.</exception>
    public async Task<SandboxedTask> EnterAsync(Guid jobId, int attempt, JobLimits limits)
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            throw new SandboxUnavailableException(
                "the local sandbox needs Linux and root (network namespaces, cgroups, another uid); "
                + $"without them set {LocalLauncherOptions.Section}:{nameof(LocalLauncherOptions.Sandbox)}=false to run jobs unconfined");
        }

        // In the background: it takes only uids no host holds, so it never meets a task of this one.
        _ = SweepLeftoversOnce();
        SandboxUid uid;
        try
        {
            uid = uids.Take();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SandboxUnavailableException($"cannot lock a uid in {settings.SandboxLockDirectory}: {ex.Message}");
        }

        try
        {
            // A host that died may have left processes under this uid: none may meet the new task.
            await SandboxedTask.KillEverythingOfAsync(uid.Value).ConfigureAwait(false);
            var problems = new List<string>();
            var cgroup = await TaskCgroup.CreateAsync(
                cgroupParents.Value, CgroupPrefix + Text(uid.Value), limits.MemoryMiB * 1024L * 1024L, limits.MaxProcesses, problems).ConfigureAwait(false);
            if (cgroup.Memory is null || cgroup.Pids is null)
            {
                LogNoCgroups(logger, jobId, attempt, problems.Count > 0 ? string.Join("; ", problems) : "no cgroup v1 memory and pids hierarchies");
            }

            return new SandboxedTask(uid, cgroup, limits, logger);
        }
        catch
        {
            uid.Dispose();
            throw;
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The real uids of the processes running on this machine.</summary>
    private static IEnumerable<int> UidsWithProcesses()
    {
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            string? uidLine;
            try
            {
                uidLine = File.ReadLines(Path.Combine(process, "status")).FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (uidLine?.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, var real, ..]
                && int.TryParse(real, NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
            {
                yield return uid;
            }
        }
    }

    private Task SweepLeftoversOnce()
    {
        lock (gate)
        {
            return leftoversSwept ??= SweepLeftoversAsync();
        }
    }

    /// <summary>
    /// A host killed outright leaves its tasks' cgroups behind, and their processes too where an
    /// agent had not yet started watching its parent. When its first task starts, this host sweeps
    /// every uid of the range that has processes or cgroups and that no live host holds.
    /// </summary>
    private async Task SweepLeftoversAsync()
    {
        try
        {
            var parents = cgroupParents.Value;
            var leftovers = UidsWithProcesses()
                .Concat(TaskCgroup.Existing(parents, CgroupPrefix).Select(name =>
                    int.TryParse(name[CgroupPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : -1))
                .Where(uids.Contains)
                .Distinct()
                .Order()
                .ToList();
            var swept = 0;
            foreach (var leftover in leftovers)
            {
                using var uid = uids.TryTake(leftover);
                if (uid is not null)
                {
                    await SandboxedTask.KillEverythingOfAsync(leftover).ConfigureAwait(false);
                    await TaskCgroup.RemoveAsync(parents, CgroupPrefix + Text(leftover)).ConfigureAwait(false);
                    swept++;
                }
            }

            if (swept > 0)
            {
                LogLeftoversSwept(logger, swept);
            }
        }
#pragma warning disable CA1031 // Nobody awaits this sweep; each uid is swept again when a task takes it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogLeftoversNotSwept(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Swept {Count} sandbox uids that a host before this one left processes or cgroups under")]
    private static partial void LogLeftoversSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sweep what earlier hosts left in the sandbox")]
    private static partial void LogLeftoversNotSwept(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} attempt {Attempt} runs without a cgroup (memory as address space per process, processes per uid only): {Problems}")]
    private static partial void LogNoCgroups(ILogger logger, Guid jobId, int attempt, string problems);
}

/// <summary>One task's uid and cgroups, held until <see cref="ReleaseAsync"/>.</summary>
internal sealed partial class SandboxedTask(SandboxUid uid, TaskCgroup cgroup, JobLimits limits, ILogger logger)
{
    /// <summary>ECS's words for a container the kernel killed over its memory limit.</summary>
    public const string OutOfMemoryReason = "OutOfMemoryError: Container killed due to memory usage";

    private const int CpuLimitExitCode = 128 + 24;
    private const string Setpriv = "/usr/bin/setpriv";
    private const string Shell = "/bin/sh";
    private static readonly TimeSpan SweepPatience = TimeSpan.FromSeconds(10);

    public int Uid => uid.Value;

    /// <summary>What the Agent needs to confine the command (besides the job's variables, <see cref="JobVariables"/>).</summary>
    public IEnumerable<KeyValuePair<string, string>> AgentVariables()
    {
        yield return new(SandboxVariables.Enabled, "1");
        yield return new(SandboxVariables.Uid, Text(Uid));
        if (cgroup.Memory is { } memory)
        {
            yield return new(SandboxVariables.MemoryCgroup, memory);
        }

        if (cgroup.Pids is { } pids)
        {
            yield return new(SandboxVariables.PidsCgroup, pids);
        }

        yield return new(SandboxVariables.MemoryMiB, Text(limits.MemoryMiB));
        if (limits.CpuSeconds is { } cpuSeconds)
        {
            yield return new(SandboxVariables.CpuSeconds, Text(cpuSeconds));
        }

        yield return new(SandboxVariables.Processes, Text(limits.MaxProcesses));
        yield return new(SandboxVariables.OpenFiles, Text(limits.MaxOpenFiles));
    }

    /// <summary>The job's variables under the inert prefix the Agent expects.</summary>
    public static IEnumerable<KeyValuePair<string, string>> JobVariables(IReadOnlyDictionary<string, string> env) =>
        env.Select(e => new KeyValuePair<string, string>(TaskVariables.JobVariablePrefix + e.Key, e.Value));

    /// <summary>The STOPPED event's <c>containers[].reason</c> when a limit of the sandbox ended the command, as ECS would word it.</summary>
    public string? ContainerReason(int exitCode)
    {
        if (cgroup.OutOfMemoryKills() > 0)
        {
            return OutOfMemoryReason;
        }

        return exitCode == CpuLimitExitCode && limits.CpuSeconds is { } cpuSeconds
            ? $"CpuTimeLimitExceeded: Command used more than its {Text(cpuSeconds)} s of CPU time"
            : null;
    }

    /// <summary>Kills whatever the task left running (detached or not), removes its cgroups and frees its uid.</summary>
    public async Task ReleaseAsync()
    {
        try
        {
            await KillEverythingOfAsync(Uid).ConfigureAwait(false);
            if (!await cgroup.RemoveAsync().ConfigureAwait(false))
            {
                LogCgroupsLeft(logger, Uid, cgroup.Memory, cgroup.Pids);
            }
        }
        catch (SandboxUnavailableException ex)
        {
            // The next task to take this uid sweeps it first.
            LogSweepFailed(logger, ex, Uid);
        }
        finally
        {
            uid.Dispose();
        }
    }

    /// <summary>
    /// kill(-1, SIGKILL) as the uid: the kernel signals every process of that uid, at once, so even a
    /// fork bomb cannot outrun it, and nothing that is not the task's.
    /// </summary>
    public static async Task KillEverythingOfAsync(int uid)
    {
        var startInfo = new ProcessStartInfo(Setpriv) { UseShellExecute = false };
        foreach (var argument in new[] { $"--reuid={Text(uid)}", $"--regid={Text(uid)}", "--clear-groups", "--", Shell, "-c", "kill -9 -1 2>/dev/null; exit 0" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        startInfo.Environment["PATH"] = "/usr/bin:/bin";
        using var sweep = new Process { StartInfo = startInfo };
        try
        {
            sweep.Start();
        }
        catch (Win32Exception ex)
        {
            throw new SandboxUnavailableException($"cannot start {Setpriv}: {ex.Message}");
        }

        using var timeout = new CancellationTokenSource(SweepPatience);
        try
        {
            await sweep.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            sweep.Kill();
            throw new SandboxUnavailableException($"the sweep of uid {Text(uid)} did not end within {SweepPatience.TotalSeconds:0} s");
        }

        if (sweep.ExitCode != 0)
        {
            throw new SandboxUnavailableException($"cannot sweep the processes of uid {Text(uid)}: {Setpriv} exited with {Text(sweep.ExitCode)}");
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not kill what sandbox uid {Uid} left running")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, int uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cgroups of sandbox uid {Uid} are still busy and stay: {Memory}, {Pids}")]
    private static partial void LogCgroupsLeft(ILogger logger, int uid, string? memory, string? pids);
}

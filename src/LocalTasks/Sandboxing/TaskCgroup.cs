using System.Globalization;

namespace EventPlatform.LocalTasks.Sandboxing;

/// <summary>
/// The cgroup v1 memory and pids folders this host may make children in: its own, so a task stays
/// inside whatever bounds the host has. Null where the controller is not mounted as v1 (cgroup v2
/// would need the host moved into a leaf of its own first; the sandbox then falls back to rlimits).
/// </summary>
internal sealed record CgroupParents(string? Memory, string? Pids)
{
    public static CgroupParents None { get; } = new(null, null);

    public static CgroupParents Discover()
    {
        try
        {
            return Parse(File.ReadAllText("/proc/self/cgroup"), File.ReadAllText("/proc/self/mountinfo"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return None;
        }
    }

    /// <param name="cgroups">/proc/self/cgroup: <c>id:controllers:path</c> per line.</param>
    /// <param name="mountInfo">/proc/self/mountinfo: where each hierarchy is mounted, and which part of it.</param>
    public static CgroupParents Parse(string cgroups, string mountInfo) =>
        new(Folder("memory", cgroups, mountInfo), Folder("pids", cgroups, mountInfo));

    private static string? Folder(string controller, string cgroups, string mountInfo)
    {
        var path = cgroups.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 3))
            .FirstOrDefault(fields => fields.Length == 3 && fields[1].Split(',').Contains(controller))?[2];
        if (path is null)
        {
            return null;
        }

        foreach (var line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // id parent major:minor root mountpoint options [optional fields...] - fstype source superoptions
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (separator < 5 || fields.Length < separator + 4 || fields[separator + 1] != "cgroup"
                || !fields[separator + 3].Split(',').Contains(controller))
            {
                continue;
            }

            var (root, mountPoint) = (fields[3], fields[4]);
            if (root == "/")
            {
                return mountPoint + (path == "/" ? string.Empty : path);
            }

            return path == root || path.StartsWith(root + "/", StringComparison.Ordinal) ? mountPoint + path[root.Length..] : null;
        }

        return null;
    }
}

/// <summary>
/// One task's memory and pids cgroups (v1): the kernel holds the task's processes, all of them
/// together, to its memory (killing one on overuse, and counting it) and to its number of tasks.
/// A part that cannot be made is left out, and the Agent falls back to rlimits for it.
/// </summary>
internal sealed class TaskCgroup
{
    private static readonly TimeSpan RemovePatience = TimeSpan.FromSeconds(3);

    private TaskCgroup(string? memory, string? pids)
    {
        Memory = memory;
        Pids = pids;
    }

    public string? Memory { get; }

    public string? Pids { get; }

    /// <summary>Makes the folders and sets their limits; why a part could not be made goes to <paramref name="problems"/>.</summary>
    public static async Task<TaskCgroup> CreateAsync(CgroupParents parents, string name, long memoryBytes, int maxProcesses, ICollection<string> problems)
    {
        var bytes = memoryBytes.ToString(CultureInfo.InvariantCulture);
        var memory = await TryCreateAsync(parents.Memory, name, problems, folder =>
        {
            File.WriteAllText(Path.Combine(folder, "memory.limit_in_bytes"), bytes);
            if (File.Exists(Path.Combine(folder, "memory.memsw.limit_in_bytes")))
            {
                // Swap accounting is on: memory plus swap gets the same limit, so swapping does not escape it.
                File.WriteAllText(Path.Combine(folder, "memory.memsw.limit_in_bytes"), bytes);
            }
        }).ConfigureAwait(false);
        var pids = await TryCreateAsync(parents.Pids, name, problems, folder =>
            File.WriteAllText(Path.Combine(folder, "pids.max"), maxProcesses.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
        return new TaskCgroup(memory, pids);
    }

    /// <summary>How many of the task's processes the kernel killed for going over the memory limit.</summary>
    public long OutOfMemoryKills()
    {
        if (Memory is null)
        {
            return 0;
        }

        try
        {
            var line = File.ReadLines(Path.Combine(Memory, "memory.oom_control")).FirstOrDefault(l => l.StartsWith("oom_kill ", StringComparison.Ordinal));
            return line is not null && long.TryParse(line["oom_kill ".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kills) ? kills : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Removes both folders once the processes in them are gone; false if one stayed.</summary>
    public async Task<bool> RemoveAsync() =>
        await RemoveAsync(Memory).ConfigureAwait(false) & await RemoveAsync(Pids).ConfigureAwait(false);

    /// <summary>The names of the task cgroups, starting with <paramref name="prefix"/>, that exist below <paramref name="parents"/>.</summary>
    public static IEnumerable<string> Existing(CgroupParents parents, string prefix) =>
        new[] { parents.Memory, parents.Pids }
            .OfType<string>()
            .Where(Directory.Exists)
            .SelectMany(parent => Directory.EnumerateDirectories(parent, prefix + "*"))
            .Select(folder => Path.GetFileName(folder))
            .Distinct(StringComparer.Ordinal);

    /// <summary>Removes a task cgroup a host that died left behind, once the processes in it are gone.</summary>
    public static async Task<bool> RemoveAsync(CgroupParents parents, string name) =>
        await RemoveAsync(parents.Memory is { } memory ? Path.Combine(memory, name) : null).ConfigureAwait(false)
        & await RemoveAsync(parents.Pids is { } pids ? Path.Combine(pids, name) : null).ConfigureAwait(false);

    private static async Task<string?> TryCreateAsync(string? parent, string name, ICollection<string> problems, Action<string> limit)
    {
        if (parent is null)
        {
            return null;
        }

        var folder = Path.Combine(parent, name);
        try
        {
            // Left behind by a host that died: its processes are gone (the uid was swept), so it goes.
            if (Directory.Exists(folder) && !await RemoveAsync(folder).ConfigureAwait(false))
            {
                problems.Add($"{folder} is left from an earlier task and still busy");
                return null;
            }

            Directory.CreateDirectory(folder);
            limit(folder);
            return folder;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"cannot use {folder}: {ex.Message}");
            await RemoveAsync(folder).ConfigureAwait(false);
            return null;
        }
    }

    private static async Task<bool> RemoveAsync(string? folder)
    {
        if (folder is null)
        {
            return true;
        }

        var deadline = DateTime.UtcNow + RemovePatience;
        while (true)
        {
            try
            {
                // rmdir: a cgroup folder goes, control files and all, once no process is in it.
                Directory.Delete(folder);
                return true;
            }
            catch (DirectoryNotFoundException)
            {
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    return false;
                }

                await Task.Delay(50).ConfigureAwait(false);
            }
        }
    }
}

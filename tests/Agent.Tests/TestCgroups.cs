namespace EventPlatform.Agent.Tests;

/// <summary>
/// A memory and a pids cgroup (v1) below the test's own, as the local launcher makes for a task;
/// a controller that is not mounted as v1 here is left out, as the launcher leaves it out.
/// </summary>
internal sealed class TestCgroups : IDisposable
{
    private TestCgroups(string? memory, string? pids)
    {
        Memory = memory;
        Pids = pids;
    }

    public string? Memory { get; }

    public string? Pids { get; }

    public static TestCgroups Create(string name)
    {
        var own = File.ReadAllLines("/proc/self/cgroup").Select(line => line.Split(':', 3)).Where(fields => fields.Length == 3).ToList();

        string? Make(string controller, string limitFile, string limit)
        {
            var path = own.FirstOrDefault(fields => fields[1].Split(',').Contains(controller))?[2];
            var parent = path is null ? null : $"/sys/fs/cgroup/{controller}{(path == "/" ? string.Empty : path)}";
            if (parent is null || !File.Exists(Path.Combine(parent, "cgroup.procs")))
            {
                return null;
            }

            var folder = Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
            File.WriteAllText(Path.Combine(folder, limitFile), limit);
            return folder;
        }

        return new TestCgroups(Make("memory", "memory.limit_in_bytes", $"{512L * 1024 * 1024}"), Make("pids", "pids.max", "256"));
    }

    /// <summary>The pids in either cgroup.</summary>
    public IReadOnlyList<string> Members() =>
        [.. new[] { Memory, Pids }.OfType<string>().SelectMany(folder => File.ReadAllLines(Path.Combine(folder, "cgroup.procs")))];

    public void Dispose()
    {
        foreach (var folder in new[] { Memory, Pids }.OfType<string>())
        {
            for (var tries = 0; Directory.Exists(folder); tries++)
            {
                try
                {
                    Directory.Delete(folder);
                }
                catch (IOException) when (tries < 50)
                {
                    Thread.Sleep(100);
                }
            }
        }
    }
}

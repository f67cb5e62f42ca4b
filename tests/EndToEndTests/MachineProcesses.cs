using System.Globalization;

namespace EventPlatform.EndToEndTests;

/// <summary>The processes on this machine, as root sees them in /proc: what a sandboxed job started or left.</summary>
internal static class MachineProcesses
{
    /// <summary>Live processes whose command line holds <paramref name="marker"/>: a job's copies share it, and so does its agent.</summary>
    public static List<int> Naming(string marker) => [.. Pids().Where(pid => Read(pid, "cmdline")?.Contains(marker, StringComparison.Ordinal) == true && IsAlive(pid))];

    /// <summary>Live processes whose real uid is <paramref name="uid"/>.</summary>
    public static List<int> Of(int uid) => [.. Pids().Where(pid => Field(pid, "Uid:") == uid.ToString(CultureInfo.InvariantCulture) && IsAlive(pid))];

    /// <summary>The real uid of <paramref name="pid"/>, or null once it is gone.</summary>
    public static int? UidOf(int pid) => int.TryParse(Field(pid, "Uid:"), CultureInfo.InvariantCulture, out var uid) ? uid : null;

    /// <summary>The parent of <paramref name="pid"/>, or null once it is gone.</summary>
    public static int? ParentOf(int pid) => int.TryParse(Field(pid, "PPid:"), CultureInfo.InvariantCulture, out var parent) ? parent : null;

    /// <summary>Running, not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid) => Field(pid, "State:") is { } state && !state.StartsWith('Z') && !state.StartsWith('X');

    private static IEnumerable<int> Pids() => Directory.EnumerateDirectories("/proc")
        .Select(folder => int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
        .Where(pid => pid > 0);

    /// <summary>The first value of a line of /proc/pid/status.</summary>
    private static string? Field(int pid, string name) =>
        Read(pid, "status")?.Split('\n').FirstOrDefault(line => line.StartsWith(name, StringComparison.Ordinal))?[name.Length..].Trim().Split('\t')[0];

    private static string? Read(int pid, string file)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/{file}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

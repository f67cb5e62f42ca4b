using System.Diagnostics;
using System.Globalization;

namespace EventPlatform.Agent.Tests;

/// <summary>What runs on this machine as a job's uid, seen from outside the agent.</summary>
internal static class UidProcesses
{
    /// <summary>The live pids whose real uid is <paramref name="uid"/>; a zombie, dead and waiting for init to reap it, is not one.</summary>
    public static List<string> Of(int uid) =>
    [
        .. Directory.EnumerateDirectories("/proc")
            .Where(d => int.TryParse(Path.GetFileName(d), out _))
            .Where(d =>
            {
                try
                {
                    var status = File.ReadLines(Path.Combine(d, "status")).ToList();
                    return status.FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t')[1] == Text(uid)
                        && status.FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) is { } state
                        && !state.Contains("zombie", StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            })
            .Select(Path.GetFileName)
            .OfType<string>(),
    ];

    /// <summary>Kills whatever a test left running as <paramref name="uid"/>, so the next test starts clean.</summary>
    public static void KillAll(int uid)
    {
        using var sweep = Process.Start("setpriv", [$"--reuid={Text(uid)}", $"--regid={Text(uid)}", "--clear-groups", "--", "sh", "-c", "kill -9 -1 2>/dev/null; exit 0"]);
        sweep.WaitForExit();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

using EventPlatform.Contracts.Agent;
using System.Globalization;

namespace EventPlatform.Agent.Tests;

/// <summary>How a launcher confines the command of the built agent it starts.</summary>
public enum Confinement
{
    /// <summary>The local launcher's sandbox, with the task's memory and pids cgroups.</summary>
    Sandbox,

    /// <summary>ECS with EP_COMMAND_UID: the command as another uid, no namespaces, no cgroups.</summary>
    CommandUid,
}

/// <summary>
/// The built agent storing into a local folder, its command confined as a launcher would confine it,
/// under a uid of the test's choosing. Needs root.
/// </summary>
internal static class ConfinedAgent
{
    public const string JobId = "0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e";
    public const string Prefix = $"jobs/{JobId}/attempt-1/";

    /// <summary>A folder for the local store, once root is known to be there for the uid change.</summary>
    public static DirectoryInfo CreateStore()
    {
        Assume.That(Environment.IsPrivilegedProcess, Is.True, "running a command as another uid needs root");
        return Directory.CreateTempSubdirectory("ep-agent-store-");
    }

    /// <summary>Where the attempt's artifacts are, in the store at <paramref name="root"/>.</summary>
    public static string Stored(DirectoryInfo root) => Path.Combine(root.FullName, Prefix);

    /// <summary>
    /// One attempt in a clean store under <paramref name="root"/>: its exit code, its log, and the live
    /// pids of its uid and of its cgroups once the agent had exited (whatever they are, they are then killed).
    /// </summary>
    public static async Task<(int ExitCode, IReadOnlyList<AgentLine> Lines, IReadOnlyList<string> Left)> RunAsync(
        Confinement confinement, int uid, string root, params string[] command)
    {
        UidProcesses.KillAll(uid);
        var stored = Path.Combine(root, Prefix);
        if (Directory.Exists(stored))
        {
            Directory.Delete(stored, recursive: true);
        }

        var work = Directory.CreateTempSubdirectory("ep-agent-confined-");
        using var cgroups = confinement == Confinement.Sandbox ? TestCgroups.Create($"ep-agent-test-{Text(uid)}") : null;
        try
        {
            var startInfo = BuiltAgent.StartInfo(command, work.FullName)
                .WithOnly("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", work.FullName);
            startInfo.Environment[TaskVariables.JobId] = JobId;
            startInfo.Environment[TaskVariables.Attempt] = "1";
            startInfo.Environment["EP_ARTIFACTS_ROOT"] = root;
            startInfo.Environment["EP_ARTIFACTS_PREFIX"] = Prefix;
            if (cgroups is null)
            {
                startInfo.Environment[TaskVariables.CommandUid] = Text(uid);
            }
            else
            {
                startInfo.Environment[SandboxVariables.Enabled] = "1";
                startInfo.Environment[SandboxVariables.Uid] = Text(uid);
                startInfo.Environment[SandboxVariables.MemoryMiB] = "512";
                startInfo.Environment[SandboxVariables.Processes] = "256";
                startInfo.Environment[SandboxVariables.OpenFiles] = "256";
                foreach (var (variable, folder) in new[] { (SandboxVariables.MemoryCgroup, cgroups.Memory), (SandboxVariables.PidsCgroup, cgroups.Pids) })
                {
                    if (folder is not null)
                    {
                        startInfo.Environment[variable] = folder;
                    }
                }
            }

            var (exitCode, lines, _) = await BuiltAgent.RunAsync(startInfo);
            return (exitCode, lines, [.. UidProcesses.Of(uid), .. cgroups?.Members() ?? []]);
        }
        finally
        {
            UidProcesses.KillAll(uid);
            work.Delete(recursive: true);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

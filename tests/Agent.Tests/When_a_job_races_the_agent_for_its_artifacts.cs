using EventPlatform.Contracts.Agent;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;

namespace EventPlatform.Agent.Tests;

/// <summary>
/// Issue 12 A, replayed against the built agent as the launchers start it (needs root): a job writes
/// many files, leaves a setsid helper behind and exits 0; the helper swaps its files and folders for
/// links to a file only root may read, hoping the agent, as root, stores that file as an artifact.
/// Each race is run several times: one lost race is enough to leak the file.
/// </summary>
[NonParallelizable]
[SupportedOSPlatform("linux")]
public class When_a_job_races_the_agent_for_its_artifacts
{
    public enum Confinement
    {
        /// <summary>The local launcher's sandbox, with the task's memory and pids cgroups.</summary>
        Sandbox,

        /// <summary>ECS with EP_COMMAND_UID: the command as another uid, no namespaces, no cgroups.</summary>
        CommandUid,
    }

    /// <summary>Above the launcher's range and apart from the other tests' uids.</summary>
    private const int Uid = 299_997;

    private const string JobId = "0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e";
    private const string Prefix = $"jobs/{JobId}/attempt-1/";
    private const int Rounds = 4;
    private const int FirstFile = 1000;
    private const int Files = 600;

    /// <summary>
    /// The job: a kept file, many plain files, sub-folders named like the secret, two links of its own,
    /// then a helper in a session of its own (out of the command's process group, once it says so) that
    /// outlives it.
    /// </summary>
    private const string Job = """
        secret=$1 swap=$2 helper=$3
        cd "$EP_ARTIFACTS_DIR" || exit 3
        echo kept > a-kept.txt
        mkdir -p sub/deeper && echo mine > sub/secret.txt && echo mine > sub/deeper/secret.txt && echo mine > secret.txt || exit 3
        i=1000
        while [ $i -lt 1600 ]; do echo "harmless $i" > "f$i.txt"; i=$((i+1)); done
        ln -s "$secret/secret.txt" link-secret.txt && ln -s "$secret" sub/link-folder || exit 3
        setsid sh -c "$helper" helper "$secret" "$$" "$swap" "$EP_ARTIFACTS_DIR" "$HOME/.helper-up" </dev/null >/dev/null 2>&1 &
        while [ ! -e "$HOME/.helper-up" ]; do :; done
        exit 0
        """;

    /// <summary>
    /// Waits for the command to end, then swaps: the sub-folders first and the files from the last
    /// (which the agent reaches last), or the whole artifacts folder; then stays.
    /// </summary>
    private const string Helper = """
        secret=$1 command=$2 swap=$3 dir=$4
        : > "$5"
        while kill -0 "$command" 2>/dev/null; do :; done
        cd "$dir" || exit 0
        case $swap in
          files)
            mv sub/deeper sub/deeper-was; ln -s "$secret" sub/deeper
            mv sub sub-was; ln -s "$secret" sub
            i=1599
            while [ $i -ge 1000 ]; do ln -sf "$secret/secret.txt" "f$i.txt"; i=$((i-1)); done ;;
          folder)
            sleep 0.05
            cd / && mv "$dir" "$dir-was" && ln -s "$secret" "$dir" ;;
        esac
        sleep 60
        """;

    private DirectoryInfo root = null!;
    private DirectoryInfo secret = null!;
    private string token = null!;

    private string Stored => Path.Combine(root.FullName, Prefix);

    [SetUp]
    public void RequireRootAndASecret()
    {
        Assume.That(Environment.IsPrivilegedProcess, Is.True, "running a command as another uid needs root");
        root = Directory.CreateTempSubdirectory("ep-agent-store-");

        // A folder only root may enter (CreateTempSubdirectory makes it 0700), with a file only root may read.
        secret = Directory.CreateTempSubdirectory("ep-secret-");
        token = $"EP-SECRET-{Guid.NewGuid():N}";
        var secretFile = Path.Combine(secret.FullName, "secret.txt");
        File.WriteAllText(secretFile, string.Concat(Enumerable.Repeat(token + "\n", 64)));
        File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [TearDown]
    public void EndLeftoversAndDeleteFolders()
    {
        if (root is null)
        {
            return;
        }

        UidProcesses.KillAll(Uid);
        root.Delete(recursive: true);
        secret.Delete(recursive: true);
    }

    [Test]
    public async Task Should_store_none_of_a_root_only_file_that_a_helper_swaps_in_for_files_and_folders([Values] Confinement confinement)
    {
        for (var round = 1; round <= Rounds; round++)
        {
            var (exitCode, lines, left) = await RunRoundAsync(confinement, "files");

            var result = await AssertNoSecretAndNothingLeftAsync(exitCode, lines, left, round);
            Assert.That(await File.ReadAllTextAsync(Path.Combine(Stored, "a-kept.txt")), Is.EqualTo("kept\n"), $"round {round}");
            var error = result.GetProperty("error").GetString() ?? string.Empty;
            Assert.That(error, Does.Contain("'link-secret.txt' was not stored: it is a symbolic link."), $"round {round}");
            Assert.That(error, Does.Contain("'sub/link-folder' was not stored: it is a symbolic link.").Or.Contain("'sub' was not stored: it is a symbolic link."), $"round {round}");
            for (var file = FirstFile; file < FirstFile + Files; file++)
            {
                var name = $"f{file}.txt";
                var stored = Path.Combine(Stored, name);
                Assert.That(
                    File.Exists(stored) ? await File.ReadAllTextAsync(stored) == $"harmless {file}\n" : error.Contains($"'{name}' was not stored", StringComparison.Ordinal),
                    Is.True,
                    $"round {round}: {name} is either stored as the job wrote it or named as skipped");
            }

            Assert.That(lines.Where(l => l.Level == "Error").Select(l => l.Message), Has.Some.StartsWith("Some artifacts were not stored: ").And.Contain("'link-secret.txt'"));
        }
    }

    [Test]
    public async Task Should_store_none_of_a_root_only_folder_swapped_in_for_the_artifacts_folder([Values] Confinement confinement)
    {
        for (var round = 1; round <= Rounds; round++)
        {
            var (exitCode, lines, left) = await RunRoundAsync(confinement, "folder");

            var result = await AssertNoSecretAndNothingLeftAsync(exitCode, lines, left, round);
            var error = result.GetProperty("error").GetString() ?? string.Empty;
            Assert.That(
                File.Exists(Path.Combine(Stored, "a-kept.txt")) || error.Contains("$EP_ARTIFACTS_DIR was replaced by a link", StringComparison.Ordinal),
                Is.True,
                $"round {round}: the job's files are stored unless the helper swapped the folder before it was killed: {error}");
        }
    }

    /// <summary>What must hold whoever won the race; returns result.json.</summary>
    private async Task<JsonElement> AssertNoSecretAndNothingLeftAsync(int exitCode, IReadOnlyList<AgentLine> lines, IReadOnlyList<string> left, int round)
    {
        var leaked = Directory.EnumerateFiles(root.FullName, "*", SearchOption.AllDirectories)
            .Where(file => File.ReadAllText(file).Contains(token, StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(root.FullName, file))
            .ToList();
        Assert.That(leaked, Is.Empty, $"round {round}: the root-only file was stored as an artifact");
        Assert.That(exitCode, Is.Zero, $"round {round}: " + string.Join('\n', lines.Select(l => l.Message)));
        Assert.That(left, Is.Empty, $"round {round}: the helper was ended, and the task's cgroups emptied, by the agent before it exited");
        return JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(Stored, "result.json"))).RootElement;
    }

    /// <summary>One attempt in a clean store: its exit code, its log, and the pids of its uid and cgroups once the agent had exited.</summary>
    private async Task<(int ExitCode, IReadOnlyList<AgentLine> Lines, IReadOnlyList<string> Left)> RunRoundAsync(Confinement confinement, string swap)
    {
        UidProcesses.KillAll(Uid);
        if (Directory.Exists(Stored))
        {
            Directory.Delete(Stored, recursive: true);
        }

        var work = Directory.CreateTempSubdirectory("ep-agent-race-");
        using var cgroups = confinement == Confinement.Sandbox ? TestCgroups.Create($"ep-agent-race-{Text(Uid)}") : null;
        try
        {
            var startInfo = BuiltAgent.StartInfo(["sh", "-c", Job, "job", secret.FullName, swap, Helper], work.FullName)
                .WithOnly("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", work.FullName);
            startInfo.Environment[TaskVariables.JobId] = JobId;
            startInfo.Environment[TaskVariables.Attempt] = "1";
            startInfo.Environment["EP_ARTIFACTS_ROOT"] = root.FullName;
            startInfo.Environment["EP_ARTIFACTS_PREFIX"] = Prefix;
            if (confinement == Confinement.Sandbox)
            {
                startInfo.Environment[SandboxVariables.Enabled] = "1";
                startInfo.Environment[SandboxVariables.Uid] = Text(Uid);
                startInfo.Environment[SandboxVariables.MemoryMiB] = "512";
                startInfo.Environment[SandboxVariables.Processes] = "256";
                startInfo.Environment[SandboxVariables.OpenFiles] = "256";
                if (cgroups!.Memory is { } memory)
                {
                    startInfo.Environment[SandboxVariables.MemoryCgroup] = memory;
                }

                if (cgroups.Pids is { } pids)
                {
                    startInfo.Environment[SandboxVariables.PidsCgroup] = pids;
                }
            }
            else
            {
                startInfo.Environment[TaskVariables.CommandUid] = Text(Uid);
            }

            var (exitCode, lines, _) = await BuiltAgent.RunAsync(startInfo);
            return (exitCode, lines, [.. UidProcesses.Of(Uid), .. cgroups?.Members() ?? []]);
        }
        finally
        {
            UidProcesses.KillAll(Uid);
            work.Delete(recursive: true);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

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
    /// <summary>Above the launcher's range and apart from the other tests' uids.</summary>
    private const int Uid = 299_997;

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

    private string Stored => ConfinedAgent.Stored(root);

    [SetUp]
    public void RequireRootAndASecret()
    {
        root = ConfinedAgent.CreateStore();

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
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (exitCode, lines, left) = await ConfinedAgent.RunAsync(confinement, Uid, root.FullName, "sh", "-c", Job, "job", secret.FullName, "files", Helper);
            clock.Stop();

            var result = await AssertNoSecretAndNothingLeftAsync(exitCode, lines, left, round);
            Assert.That(await File.ReadAllTextAsync(Path.Combine(Stored, "a-kept.txt")), Is.EqualTo("kept\n"), $"round {round}");
            var error = result.GetProperty("error").GetString() ?? string.Empty;
            Assert.That(error, Does.Contain("'link-secret.txt' was not stored: it is a symbolic link."), $"round {round}");
            Assert.That(error, Does.Match(@"'sub(-was)?/link-folder' was not stored: it is a symbolic link\.|'sub' was not stored: it is a symbolic link\."), $"round {round}: wherever the helper got to");
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

            // The figures docs/reliability.md quotes: how far the helper got before it was ended.
            var swapped = Enumerable.Range(FirstFile, Files).Count(file => !File.Exists(Path.Combine(Stored, $"f{file}.txt")));
            await TestContext.Out.WriteLineAsync(
                $"{confinement} round {round}: {Files - swapped} of {Files} files stored, {swapped} swapped for links and skipped, agent ran {clock.ElapsedMilliseconds} ms");
        }
    }

    [Test]
    public async Task Should_store_none_of_a_root_only_folder_swapped_in_for_the_artifacts_folder([Values] Confinement confinement)
    {
        for (var round = 1; round <= Rounds; round++)
        {
            var (exitCode, lines, left) = await ConfinedAgent.RunAsync(confinement, Uid, root.FullName, "sh", "-c", Job, "job", secret.FullName, "folder", Helper);

            var result = await AssertNoSecretAndNothingLeftAsync(exitCode, lines, left, round);
            var error = result.GetProperty("error").GetString() ?? string.Empty;
            var storedNames = Directory.EnumerateFiles(Stored).Select(Path.GetFileName).ToList();
            Assert.That(
                storedNames.Contains("a-kept.txt") || (!storedNames.Any(name => name!.StartsWith('f')) && (error.Length == 0 || error.Contains("$EP_ARTIFACTS_DIR was replaced by a link", StringComparison.Ordinal))),
                Is.True,
                $"round {round}: the job's files are stored unless the helper moved the folder away before it was killed: {error}");
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
}

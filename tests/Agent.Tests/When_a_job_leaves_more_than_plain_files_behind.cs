using System.Runtime.Versioning;
using System.Text.Json;

namespace EventPlatform.Agent.Tests;

/// <summary>
/// The built agent storing what a confined job left: entries that are not plain files of its own are
/// named in result.json, and nothing the job started still runs when its files are read. Needs root.
/// </summary>
[NonParallelizable]
[SupportedOSPlatform("linux")]
public class When_a_job_leaves_more_than_plain_files_behind
{
    /// <summary>Above the launcher's range and apart from the other tests' uids.</summary>
    private const int Uid = 299_996;

    private DirectoryInfo root = null!;

    private string Stored => ConfinedAgent.Stored(root);

    [SetUp]
    public void RequireRootAndAStore() => root = ConfinedAgent.CreateStore();

    [TearDown]
    public void DeleteTheStore() => root?.Delete(recursive: true);

    [Test]
    public async Task Should_name_fifos_sockets_and_hard_links_and_store_the_rest([Values] Confinement confinement)
    {
        var (exitCode, lines, left) = await ConfinedAgent.RunAsync(confinement, Uid, root.FullName, "sh", "-c", """
            cd "$EP_ARTIFACTS_DIR" || exit 3
            echo kept > kept.txt && mkdir reports && echo mine > reports/mine.txt || exit 3
            mkfifo pipe && mkfifo reports/pipe || exit 3
            python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("socket")' || exit 3
            ln /etc/shadow shadow 2>/dev/null && echo linked || echo refused
            """);

        Assert.That(exitCode, Is.Zero, string.Join('\n', lines.Select(l => l.Message)));
        Assert.That(left, Is.Empty);
        var linked = lines.Single(l => l.Stream == "stdout").Message == "linked";
        var stored = Directory.EnumerateFiles(Stored, "*", SearchOption.AllDirectories).Select(file => Path.GetRelativePath(Stored, file));
        Assert.That(stored, Is.EquivalentTo(new[] { "kept.txt", "reports/mine.txt", "logs.txt", "session-replay.json", "result.json" }));
        var error = (await ResultAsync()).GetProperty("error").GetString();
        string[] shadow = linked ? [$"'shadow' was not stored: it belongs to uid 0, not to the job's uid {Uid} (a hard link to a file that is not the job's)."] : [];
        Assert.That(error, Is.EqualTo(string.Join("; ", (string[])
        [
            "'pipe' was not stored: it is a FIFO.",
            "'reports/pipe' was not stored: it is a FIFO.",
            .. shadow,
            "'socket' was not stored: it is a socket.",
        ])), "the kernel refused the hard link (protected_hardlinks), or the agent skipped it");
        Assert.That(lines.Where(l => l.Level == "Error").Select(l => l.Message), Is.EqualTo(new[] { $"Some artifacts were not stored: {error}" }));
    }

    [Test]
    public async Task Should_end_a_helper_that_outlives_the_command_before_reading_anything([Values] Confinement confinement)
    {
        var started = DateTime.UtcNow;
        var (exitCode, lines, left) = await ConfinedAgent.RunAsync(confinement, Uid, root.FullName, "sh", "-c", """
            cd "$EP_ARTIFACTS_DIR" && echo kept > kept.txt || exit 3
            setsid sh -c 'touch "$HOME/.up"; while kill -0 "$1" 2>/dev/null; do :; done; sleep 5; echo late > "$2/late.txt"; exec sleep 300' \
              helper "$$" "$EP_ARTIFACTS_DIR" </dev/null >/dev/null 2>&1 &
            while [ ! -e "$HOME/.up" ]; do :; done
            """);

        Assert.That(exitCode, Is.Zero, string.Join('\n', lines.Select(l => l.Message)));
        Assert.That(left, Is.Empty, "the agent ended the helper before it exited");
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(30)), "the helper's sleep did not hold the attempt open");
        Assert.That(File.Exists(Path.Combine(Stored, "late.txt")), Is.False, "the helper was ended, not waited for");
        Assert.That(await File.ReadAllTextAsync(Path.Combine(Stored, "kept.txt")), Is.EqualTo("kept\n"));
        Assert.That((await ResultAsync()).GetProperty("artifactsStored").GetBoolean(), Is.True);
    }

    private async Task<JsonElement> ResultAsync() =>
        JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(Stored, "result.json"))).RootElement;
}

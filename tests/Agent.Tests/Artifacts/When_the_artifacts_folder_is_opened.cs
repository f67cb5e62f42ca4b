using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.Versioning;
using EventPlatform.Agent.Artifacts;

namespace EventPlatform.Agent.Tests.Artifacts;

/// <summary>
/// What of a job's artifacts folder the agent takes: regular files and folders the job's uid owns,
/// read through descriptors opened without following anything. Files are laid out here by root,
/// as a kernel without protected_hardlinks would let a job lay them out.
/// </summary>
[SupportedOSPlatform("linux")]
public class When_the_artifacts_folder_is_opened
{
    private const int JobUid = 299_995;

    private DirectoryInfo folder = null!;
    private string artifacts = null!;

    [SetUp]
    public void CreateFolders()
    {
        folder = Directory.CreateTempSubdirectory("ep-artifact-folder-");
        artifacts = Directory.CreateDirectory(Path.Combine(folder.FullName, "artifacts")).FullName;
    }

    [TearDown]
    public void DeleteFolders() => folder.Delete(recursive: true);

    [Test]
    public async Task Should_skip_and_name_fifos_sockets_and_devices_without_blocking()
    {
        await File.WriteAllTextAsync(Path.Combine(artifacts, "kept.txt"), "kept");
        Run("mkfifo", Path.Combine(artifacts, "pipe"));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(artifacts, "socket")));
        if (Environment.IsPrivilegedProcess)
        {
            Run("mknod", Path.Combine(artifacts, "null"), "c", "1", "3");
        }

        var (files, errors) = Open(ownerUid: null);

        Assert.That(files, Is.EqualTo(new Dictionary<string, string> { ["kept.txt"] = "kept" }));
        string[] device = Environment.IsPrivilegedProcess ? ["'null' was not stored: it is a device."] : [];
        Assert.That(errors, Is.EqualTo((string[])[.. device, "'pipe' was not stored: it is a FIFO.", "'socket' was not stored: it is a socket."]));
    }

    [Test]
    public async Task Should_take_only_what_the_jobs_uid_owns_so_a_hard_link_to_a_root_file_is_not_read()
    {
        Assume.That(Environment.IsPrivilegedProcess, Is.True, "handing files to another uid needs root");
        var secret = Path.Combine(folder.FullName, "secret.txt");
        await File.WriteAllTextAsync(secret, "root's");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Run("ln", secret, Path.Combine(artifacts, "hard-link.txt"));
        await File.WriteAllTextAsync(Path.Combine(artifacts, "root-owned.txt"), "root's");
        Directory.CreateDirectory(Path.Combine(artifacts, "root-folder"));
        await File.WriteAllTextAsync(Path.Combine(artifacts, "root-folder", "inside.txt"), "job's");
        Directory.CreateDirectory(Path.Combine(artifacts, "reports"));
        await File.WriteAllTextAsync(Path.Combine(artifacts, "reports", "mine.txt"), "job's");
        Run("chown", "-h", $"{Text(JobUid)}:{Text(JobUid)}", Path.Combine(artifacts, "reports"), Path.Combine(artifacts, "reports", "mine.txt"), Path.Combine(artifacts, "root-folder", "inside.txt"));

        var (files, errors) = Open(JobUid);

        Assert.That(files, Is.EqualTo(new Dictionary<string, string> { ["reports/mine.txt"] = "job's" }));
        Assert.That(errors, Is.EqualTo(new[]
        {
            $"'hard-link.txt' was not stored: it belongs to uid 0, not to the job's uid {Text(JobUid)} (a hard link to a file that is not the job's).",
            $"'root-folder' was not stored: it belongs to uid 0, not to the job's uid {Text(JobUid)}.",
            $"'root-owned.txt' was not stored: it belongs to uid 0, not to the job's uid {Text(JobUid)}.",
        }));
    }

    [Test]
    public async Task Should_not_follow_a_link_on_the_way_to_the_folder()
    {
        await File.WriteAllTextAsync(Path.Combine(artifacts, "kept.txt"), "kept");
        var via = Path.Combine(folder.FullName, "via");
        Directory.CreateSymbolicLink(via, folder.FullName);

        var (files, errors) = Open(ownerUid: null, path: Path.Combine(via, "artifacts"));

        Assert.That(files, Is.Empty);
        Assert.That(errors, Is.EqualTo(new[] { "$EP_ARTIFACTS_DIR was replaced by a link; none of its files were stored." }));
    }

    [Test]
    public async Task Should_read_nothing_while_a_process_of_the_job_still_runs()
    {
        await File.WriteAllTextAsync(Path.Combine(artifacts, "kept.txt"), "kept");

        var (files, errors) = Open(ownerUid: null, notRead: "1 process(es) of uid 200001 (pids 42) still ran 10 s after the command ended.");

        Assert.That(files, Is.Empty);
        Assert.That(errors, Is.EqualTo(new[] { "$EP_ARTIFACTS_DIR was not read: 1 process(es) of uid 200001 (pids 42) still ran 10 s after the command ended." }));
    }

    [Test]
    public async Task Should_stop_at_each_bound_and_say_so()
    {
        await File.WriteAllTextAsync(Path.Combine(artifacts, "a.txt"), "12345");
        await File.WriteAllTextAsync(Path.Combine(artifacts, "b.txt"), "123456");
        await File.WriteAllTextAsync(Path.Combine(artifacts, "c.txt"), "1234");
        await File.WriteAllTextAsync(Path.Combine(artifacts, "d.txt"), "1");
        Directory.CreateDirectory(Path.Combine(artifacts, "e", "f", "g"));
        await File.WriteAllTextAsync(Path.Combine(artifacts, "e", "f", "deep.txt"), "1");

        var (files, errors) = Open(ownerUid: null, bounds: new ArtifactBounds(MaxFiles: 2, MaxBytes: 10, MaxEntries: 100, MaxDepth: 1));

        Assert.That(files.Keys, Is.EqualTo(new[] { "a.txt", "c.txt" }));
        Assert.That(errors, Is.EqualTo(new[]
        {
            "'b.txt' was not stored: with its 6 bytes the artifacts would pass 10 bytes.",
            "'e/f' was not stored: folders nest deeper than 1.",
            "$EP_ARTIFACTS_DIR holds 3 files; only the first 2 were stored.",
        }));

        // Names are read in the folder's own order, and only as many as the bound allows: which three is the kernel's choice.
        Directory.Delete(Path.Combine(artifacts, "e"), recursive: true);
        (files, errors) = Open(ownerUid: null, bounds: new ArtifactBounds(MaxFiles: 100, MaxBytes: 100, MaxEntries: 3, MaxDepth: 8));

        Assert.That(files.Keys, Has.Count.EqualTo(3).And.SubsetOf(new[] { "a.txt", "b.txt", "c.txt", "d.txt" }));
        Assert.That(errors, Is.EqualTo(new[] { "$EP_ARTIFACTS_DIR holds more than 3 entries; the rest were not looked at." }));
    }

    private (Dictionary<string, string> Files, List<string> Errors) Open(
        int? ownerUid, string? path = null, string? notRead = null, ArtifactBounds? bounds = null)
    {
        var errors = new List<string>();
        var files = new Dictionary<string, string>();
        foreach (var file in new ArtifactFolder(path ?? artifacts, ownerUid, notRead, bounds).Files(errors))
        {
            using (file)
            using (var reader = new StreamReader(file.Content))
            {
                files.Add(file.Name, reader.ReadToEnd());
            }
        }

        return (files, errors);
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(program, arguments);
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{program} {string.Join(' ', arguments)}");
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

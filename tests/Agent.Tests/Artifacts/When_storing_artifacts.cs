using System.Text;
using System.Text.Json;
using EventPlatform.Agent.Artifacts;
using EventPlatform.Agent.Session;

namespace EventPlatform.Agent.Tests.Artifacts;

public class When_storing_artifacts
{
    private const string JobId = "0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e";
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AgentContext Context = new(JobId, 2, TimeSpan.FromSeconds(1));

    private DirectoryInfo folder = null!;
    private string artifacts = null!;
    private StringWriter logOutput = null!;
    private List<TimeSpan> pauses = null!;

    [SetUp]
    public void CreateFolders()
    {
        folder = Directory.CreateTempSubdirectory("ep-publisher-");
        artifacts = Directory.CreateDirectory(Path.Combine(folder.FullName, "artifacts")).FullName;
        Directory.CreateDirectory(Path.Combine(folder.FullName, "scratch"));
        logOutput = new StringWriter();
        pauses = [];
    }

    [TearDown]
    public void DeleteFolders()
    {
        logOutput.Dispose();
        folder.Delete(recursive: true);
    }

    [Test]
    public async Task Should_store_the_commands_files_then_the_replay_and_logs_and_the_result_last()
    {
        await File.WriteAllTextAsync(Path.Combine(artifacts, "out.txt"), "hello");
        Directory.CreateDirectory(Path.Combine(artifacts, "reports"));
        await File.WriteAllTextAsync(Path.Combine(artifacts, "reports", "summary.csv"), "a,b\n");
        var store = new FakeStore();

        var result = await PublishAsync(store, exitCode: 3, "::step build", "built");

        Assert.That(store.Puts, Is.EqualTo(new[] { "out.txt", "reports/summary.csv", "session-replay.json", "logs.txt", "result.json" }));
        Assert.That(Encoding.UTF8.GetString(store.Stored["out.txt"]), Is.EqualTo("hello"));
        Assert.That(Encoding.UTF8.GetString(store.Stored["logs.txt"]), Is.EqualTo("::step build\nbuilt\n"));
        Assert.That(result.ArtifactsStored, Is.True);
        Assert.That(result.ExitCode, Is.EqualTo(3));
        Assert.That(Lines().Select(l => (l.Level, l.Message)), Is.EqualTo(new[] { ("Information", "Stored 5 artifacts.") }));
    }

    [Test]
    public async Task Should_write_result_json_with_the_exit_code_times_and_every_stored_artifact()
    {
        await File.WriteAllTextAsync(Path.Combine(artifacts, "out.txt"), "hello");
        var store = new FakeStore();

        await PublishAsync(store, exitCode: 0, "::step build");

        var replaySize = store.Stored["session-replay.json"].Length;
        Assert.That(Encoding.UTF8.GetString(store.Stored["result.json"]), Is.EqualTo($$"""
            {
              "jobId": "{{JobId}}",
              "attempt": 2,
              "exitCode": 0,
              "startedAt": "2025-05-01T12:00:00+00:00",
              "endedAt": "2025-05-01T12:00:01.5+00:00",
              "durationMs": 1500,
              "artifacts": [
                {
                  "name": "out.txt",
                  "size": 5
                },
                {
                  "name": "session-replay.json",
                  "size": {{replaySize}}
                },
                {
                  "name": "logs.txt",
                  "size": 13
                }
              ],
              "artifactsStored": true,
              "error": null
            }
            """.ReplaceLineEndings("\n")));
        var replay = JsonDocument.Parse(store.Stored["session-replay.json"]).RootElement;
        Assert.That(replay.GetProperty("steps")[0].GetProperty("name").GetString(), Is.EqualTo("build"));
        Assert.That(replay.GetProperty("steps")[0].GetProperty("offsetMs").GetInt64(), Is.EqualTo(500));
    }

    [Test]
    public async Task Should_retry_an_upload_that_fails_with_a_doubling_pause()
    {
        await File.WriteAllTextAsync(Path.Combine(artifacts, "out.txt"), "hello");
        var store = new FakeStore(new Dictionary<string, int> { ["out.txt"] = 2 });

        var result = await PublishAsync(store, exitCode: 0);

        Assert.That(store.Puts.Count(p => p == "out.txt"), Is.EqualTo(3));
        Assert.That(store.Stored.Keys, Does.Contain("out.txt"));
        Assert.That(pauses, Is.EqualTo(new[] { TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200) }));
        Assert.That(result.ArtifactsStored, Is.True);
    }

    [Test]
    public async Task Should_say_in_result_json_which_artifact_could_not_be_stored_and_why()
    {
        await File.WriteAllTextAsync(Path.Combine(artifacts, "lost.bin"), "x");
        await File.WriteAllTextAsync(Path.Combine(artifacts, "kept.txt"), "y");
        var store = new FakeStore(new Dictionary<string, int> { ["lost.bin"] = int.MaxValue });

        var result = await PublishAsync(store, exitCode: 0);

        Assert.That(store.Puts.Count(p => p == "lost.bin"), Is.EqualTo(3), "tried as often as the retry allows");
        var stored = JsonDocument.Parse(store.Stored["result.json"]).RootElement;
        Assert.That(stored.GetProperty("artifactsStored").GetBoolean(), Is.False);
        Assert.That(stored.GetProperty("error").GetString(), Is.EqualTo("lost.bin: store unavailable for lost.bin"));
        Assert.That(stored.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("name").GetString()), Is.EqualTo(new[] { "kept.txt", "session-replay.json", "logs.txt" }));
        Assert.That(result.ArtifactsStored, Is.False);
        Assert.That(Lines().Select(l => (l.Level, l.Message)), Is.EqualTo(new[] { ("Error", "Some artifacts were not stored: lost.bin: store unavailable for lost.bin") }));
    }

    [Test]
    public async Task Should_log_an_error_when_not_even_result_json_can_be_stored()
    {
        var store = new FakeStore(new Dictionary<string, int> { ["result.json"] = int.MaxValue });

        var result = await PublishAsync(store, exitCode: 0);

        Assert.That(result.ArtifactsStored, Is.False);
        Assert.That(result.Error, Is.EqualTo("result.json: store unavailable for result.json"));
        Assert.That(Lines().Select(l => (l.Level, l.Message)), Is.EqualTo(new[]
        {
            ("Error", "Artifacts not stored: result.json could not be stored after 3 tries: store unavailable for result.json"),
        }));
    }

    [Test]
    public async Task Should_store_neither_links_nor_files_under_the_agents_own_names()
    {
        var outside = Path.Combine(folder.FullName, "secret.txt");
        await File.WriteAllTextAsync(outside, "not for upload");
        File.CreateSymbolicLink(Path.Combine(artifacts, "link.txt"), outside);
        Directory.CreateSymbolicLink(Path.Combine(artifacts, "linked-folder"), folder.FullName);
        await File.WriteAllTextAsync(Path.Combine(artifacts, "logs.txt"), "forged");
        await File.WriteAllTextAsync(Path.Combine(artifacts, "real.txt"), "real");
        var store = new FakeStore();

        var result = await PublishAsync(store, exitCode: 0, "actual output");

        Assert.That(store.Puts, Is.EqualTo(new[] { "real.txt", "session-replay.json", "logs.txt", "result.json" }));
        Assert.That(Encoding.UTF8.GetString(store.Stored["logs.txt"]), Is.EqualTo("actual output\n"));
        Assert.That(result.Error, Is.EqualTo(
            "'link.txt' was not stored: it is a symbolic link.; 'linked-folder' was not stored: it is a symbolic link.; "
            + "'logs.txt' was not stored: the name is the agent's own."));
    }

    [Test]
    public async Task Should_store_nothing_of_an_artifacts_folder_replaced_by_a_link()
    {
        Directory.Delete(artifacts);
        Directory.CreateSymbolicLink(artifacts, folder.FullName);
        var store = new FakeStore();

        var result = await PublishAsync(store, exitCode: 0);

        Assert.That(store.Puts, Is.EqualTo(new[] { "session-replay.json", "logs.txt", "result.json" }));
        Assert.That(result.Error, Is.EqualTo("$EP_ARTIFACTS_DIR was replaced by a link; none of its files were stored."));
    }

    private async Task<AgentResult> PublishAsync(FakeStore store, int exitCode, params string[] output)
    {
        var clock = new ManualClock(Start);
        using var recorder = new OutputRecorder(Path.Combine(folder.FullName, "scratch", "logs.txt"), clock);
        foreach (var line in output)
        {
            clock.Advance(TimeSpan.FromMilliseconds(500));
            recorder.OnOutput("stdout", line);
        }

        clock.Advance(TimeSpan.FromMilliseconds(1500 - (500 * output.Length)));
        recorder.End();
        var retry = new UploadRetry(3, TimeSpan.FromMilliseconds(100), (pause, _) =>
        {
            pauses.Add(pause);
            return Task.CompletedTask;
        });
        var publisher = new ArtifactPublisher(store, new AgentLog(logOutput, Context), retry, Path.Combine(folder.FullName, "scratch"));
        return await publisher.PublishAsync(Context, exitCode, new ArtifactFolder(artifacts, ownerUid: null), recorder, CancellationToken.None);
    }

    private IReadOnlyList<AgentLine> Lines() => AgentLine.Parse(logOutput.ToString());
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EventPlatform.Testing;

namespace EventPlatform.EndToEndTests;

/// <summary>The embedded default with the local artifact store: what a job leaves, served by the API.</summary>
[TestFixture]
[NonParallelizable]
public sealed class When_jobs_leave_artifacts_and_logs : PlatformFixture
{
    private const string Script = """
        echo '::step build'
        echo building
        printf 'hello artifact' > "$EP_ARTIFACTS_DIR/out.txt"
        echo '::step test'
        echo done
        """;

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Test]
    public async Task Should_list_the_files_the_job_wrote_with_its_result_logs_and_replay()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", Script } });
        await StateAsync(jobId, "Succeeded");

        var artifacts = await ArtifactsAsync(jobId);

        Assert.That(artifacts.Select(a => a.Name), Is.EqualTo(new[] { "logs.txt", "out.txt", "result.json", "session-replay.json" }));
        Assert.That(artifacts.Single(a => a.Name == "out.txt").Size, Is.EqualTo(14));
        Assert.That(artifacts.Select(a => a.Size), Is.All.GreaterThan(0));
        Assert.That(artifacts.Select(a => a.Url.ToString()), Is.All.StartWith($"{Platform.BaseAddress}artifacts/"));
        Assert.That(
            artifacts.Select(a => a.ExpiresAt),
            Is.All.InRange(DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16)));

        using var anonymous = Platform.ClientFor(apiKey: null);
        var files = new Dictionary<string, byte[]>();
        foreach (var artifact in artifacts)
        {
            using var download = await anonymous.GetAsync(artifact.Url);
            Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK), artifact.Name);
            files[artifact.Name] = await download.Content.ReadAsByteArrayAsync();
            Assert.That(files[artifact.Name], Has.Length.EqualTo(artifact.Size), artifact.Name);
        }

        Assert.That(Encoding.UTF8.GetString(files["out.txt"]), Is.EqualTo("hello artifact"));
        Assert.That(Encoding.UTF8.GetString(files["logs.txt"]), Is.EqualTo("::step build\nbuilding\n::step test\ndone\n"));

        var result = JsonDocument.Parse(files["result.json"]).RootElement;
        Assert.That(result.GetProperty("jobId").GetString(), Is.EqualTo(jobId.ToString()));
        Assert.That(result.GetProperty("attempt").GetInt32(), Is.EqualTo(1));
        Assert.That(result.GetProperty("exitCode").GetInt32(), Is.Zero);
        Assert.That(result.GetProperty("artifactsStored").GetBoolean(), Is.True);
        Assert.That(result.GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(
            result.GetProperty("artifacts").EnumerateArray().Select(a => (a.GetProperty("name").GetString(), a.GetProperty("size").GetInt64())),
            Is.EqualTo(new[] { "out.txt", "session-replay.json", "logs.txt" }.Select(name => ((string?)name, artifacts.Single(a => a.Name == name).Size))));
        var started = result.GetProperty("startedAt").GetDateTimeOffset();
        var ended = result.GetProperty("endedAt").GetDateTimeOffset();
        Assert.That(result.GetProperty("durationMs").GetInt64(), Is.EqualTo((long)(ended - started).TotalMilliseconds).Within(1));

        var replay = JsonDocument.Parse(files["session-replay.json"]).RootElement;
        var steps = replay.GetProperty("steps").EnumerateArray().ToList();
        Assert.That(steps.Select(s => s.GetProperty("name").GetString()), Is.EqualTo(new[] { "build", "test" }));
        Assert.That(steps.Select(s => s.GetProperty("offsetMs").GetInt64()), Is.Ordered.Ascending);
        Assert.That(steps.Select(s => s.GetProperty("at").GetDateTimeOffset()), Is.All.InRange(started, ended));
    }

    [Test]
    public async Task Should_refuse_a_download_link_that_was_altered()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", Script } });
        await StateAsync(jobId, "Succeeded");
        var artifacts = await ArtifactsAsync(jobId);
        var outUrl = artifacts.Single(a => a.Name == "out.txt").Url.ToString();
        var resultUrl = artifacts.Single(a => a.Name == "result.json").Url.ToString();
        using var anonymous = Platform.ClientFor(apiKey: null);

        // Another file's payload under this file's signature, a flipped signature character, no signature at all.
        var token = outUrl[(outUrl.LastIndexOf('/') + 1)..];
        var otherToken = resultUrl[(resultUrl.LastIndexOf('/') + 1)..];
        var swapped = $"{otherToken.Split('.')[0]}.{token.Split('.')[1]}";
        var at = token.Length - 5; // a character all of whose bits count (the last one carries padding bits)
        var flipped = token[..at] + (token[at] == 'A' ? 'B' : 'A') + token[(at + 1)..];
        foreach (var tampered in new[] { swapped, flipped, token.Split('.')[0], "not-a-token" })
        {
            using var response = await anonymous.GetAsync(new Uri($"/artifacts/{tampered}", UriKind.Relative));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), tampered);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), Is.EqualTo("Invalid link"));
        }

        using var genuine = await anonymous.GetAsync(new Uri(outUrl));
        Assert.That(genuine.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Should_serve_what_a_running_job_printed_so_far_and_all_of_it_once_it_ended()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "echo first line; echo to stderr >&2; sleep 60" }, timeoutSeconds = 120 });
        await StateAsync(jobId, "Running");

        var live = await Eventually.MatchAsync(() => LogsAsync(jobId), text => text.Split('\n').Length >= 3, TimeSpan.FromSeconds(30), "two lines of live output");

        Assert.That(live.Split('\n'), Is.EquivalentTo(new[] { "first line", "to stderr", string.Empty }));
        Assert.That((await GetJobAsync(jobId)).GetProperty("state").GetString(), Is.EqualTo("Running"), "the output was read while the job ran");

        using var cancel = await Platform.Http.PostAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), content: null);
        await StateAsync(jobId, "Cancelled");
        var stored = await LogsAsync(jobId);
        Assert.That(stored.Split('\n'), Is.EquivalentTo(new[] { "first line", "to stderr", string.Empty }));
        Assert.That((await ArtifactsAsync(jobId)).Select(a => a.Name), Does.Contain("logs.txt"), "a stopped job's logs are stored too");
    }

    [Test]
    public async Task Should_answer_with_404_for_an_unknown_job_another_users_job_and_an_attempt_that_never_was()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "echo mine" } });
        await StateAsync(jobId, "Succeeded");
        using var bob = Platform.ClientFor(RunningPlatform.BobKey);
        using var admin = Platform.ClientFor(RunningPlatform.AdminKey);
        var unknown = Guid.CreateVersion7();

        foreach (var (client, path) in new[]
        {
            (Platform.Http, $"/jobs/{unknown}/artifacts"),
            (Platform.Http, $"/jobs/{unknown}/logs"),
            (bob, $"/jobs/{jobId}/artifacts"),
            (bob, $"/jobs/{jobId}/logs"),
            (Platform.Http, $"/jobs/{jobId}/artifacts?attempt=2"),
            (Platform.Http, $"/jobs/{jobId}/logs?attempt=0"),
        })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), path);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), path);
        }

        using var seenByAdmin = await admin.GetAsync(new Uri($"/jobs/{jobId}/logs?attempt=1", UriKind.Relative));
        Assert.That(await seenByAdmin.Content.ReadAsStringAsync(), Is.EqualTo("mine\n"));
        Assert.That(seenByAdmin.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/plain; charset=utf-8"));
        using var withoutKey = await Platform.ClientFor(apiKey: null).GetAsync(new Uri($"/jobs/{jobId}/artifacts", UriKind.Relative));
        Assert.That(withoutKey.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("cpu", "1", "Succeeded", 0, "cpu: done, ")]
    [TestCase("memory", "16", "Succeeded", 0, "memory: allocated and touched 16 MiB")]
    [TestCase("io", "4", "Succeeded", 0, "io: read back what was written")]
    [TestCase("sleep", "1", "Succeeded", 0, "sleep: done")]
    [TestCase("fail", "3", "Failed", 3, "fail: exiting with code 3, on purpose")]
    public async Task Should_run_a_builtin_workload(string name, string argument, string state, int exitCode, string line)
    {
        var jobId = await SubmitAsync(new { command = new[] { "ep-builtin", name, argument }, timeoutSeconds = 60, maxAttempts = 1 });

        var job = await FinalStateAsync(jobId);

        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo(state));
        Assert.That(job.GetProperty("exitCode").GetInt32(), Is.EqualTo(exitCode));
        Assert.That((await LogsAsync(jobId)).Split('\n'), Has.Some.StartsWith(line));
    }

    [Test]
    public async Task Should_take_a_screenshot_with_the_computer_use_builtin_and_download_it_with_ep_results()
    {
        var submitted = await EpAsync("submit", "--wait", "--builtin", "computer-use");
        Assert.That(submitted.ExitCode, Is.Zero, submitted.Error);
        var jobId = submitted.Output.Trim();

        var folder = Directory.CreateTempSubdirectory("ep-e2e-results-");
        try
        {
            var results = await EpAsync("results", jobId, "--download", folder.FullName);

            Assert.That(results.ExitCode, Is.Zero, results.Error);
            var listed = results.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .ToDictionary(l => l[0], l => long.Parse(l[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.That(listed.Keys, Is.EqualTo(new[] { "logs.txt", "result.json", "screenshot.png", "session-replay.json" }));
            foreach (var (name, size) in listed)
            {
                Assert.That(new FileInfo(Path.Combine(folder.FullName, name)).Length, Is.EqualTo(size), name);
            }

            var png = await File.ReadAllBytesAsync(Path.Combine(folder.FullName, "screenshot.png"));
            Assert.That(png.Take(8), Is.EqualTo(PngSignature));
            var replay = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(folder.FullName, "session-replay.json"))).RootElement;
            Assert.That(
                replay.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()),
                Is.EqualTo(new[] { "open-browser", "navigate", "type-query", "click-search", "take-screenshot", "close-browser" }));

            var logs = await EpAsync("logs", jobId);
            Assert.That(logs.ExitCode, Is.Zero, logs.Error);
            Assert.That(logs.Output, Does.StartWith("::step open-browser\ncomputer-use: opening a browser window\n"));
            Assert.That(logs.Output, Does.Contain("computer-use: saved screenshot.png\n"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Should_follow_a_jobs_output_with_ep_logs_until_it_ends()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "echo one; sleep 3; echo two; sleep 1; echo three" } });
        await StateAsync(jobId, "Running");

        var follow = await EpAsync("logs", jobId.ToString(), "--follow");

        Assert.That(follow.ExitCode, Is.Zero, follow.Error);
        Assert.That(follow.Output, Is.EqualTo("one\ntwo\nthree\n"));
        Assert.That((await GetJobAsync(jobId)).GetProperty("state").GetString(), Is.EqualTo("Succeeded"));
    }

    [Test]
    public async Task Should_refuse_a_builtin_and_a_command_together()
    {
        var both = await EpAsync("submit", "--builtin", "cpu", "--", "true");
        var neither = await EpAsync("submit");

        Assert.That(both.ExitCode, Is.Not.Zero);
        Assert.That(both.Error, Does.Contain("not both"));
        Assert.That(neither.ExitCode, Is.Not.Zero);
        Assert.That(neither.Error, Does.Contain("--builtin NAME"));
    }

    private Task<(int ExitCode, string Output, string Error)> EpAsync(params string[] arguments) =>
        EpCli.RunAsync(Platform.BaseAddress, RunningPlatform.AliceKey, arguments);

    private async Task<IReadOnlyList<Artifact>> ArtifactsAsync(Guid jobId) =>
        (await Platform.Http.GetFromJsonAsync<Artifact[]>(new Uri($"/jobs/{jobId}/artifacts", UriKind.Relative), JsonSerializerOptions.Web))!;

    private Task<string> LogsAsync(Guid jobId) => Platform.Http.GetStringAsync(new Uri($"/jobs/{jobId}/logs", UriKind.Relative));

    private sealed record Artifact(string Name, long Size, Uri Url, DateTimeOffset ExpiresAt);
}

/// <summary>A host whose download links live two seconds, to see one expire.</summary>
[TestFixture]
[NonParallelizable]
public sealed class When_an_artifact_download_link_expires : PlatformFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Artifacts__UrlLifetime"] = "00:00:02",
    };

    [Test]
    public async Task Should_refuse_it_with_403_while_a_fresh_link_works()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "printf kept > \"$EP_ARTIFACTS_DIR/kept.txt\"" } });
        await StateAsync(jobId, "Succeeded");
        using var anonymous = Platform.ClientFor(apiKey: null);
        var expiring = await KeptUrlAsync(jobId);

        await Task.Delay(TimeSpan.FromSeconds(3.5));
        using var expired = await anonymous.GetAsync(expiring);
        using var fresh = await anonymous.GetAsync(await KeptUrlAsync(jobId));

        Assert.That(expired.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await expired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), Is.EqualTo("Link expired"));
        Assert.That(fresh.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await fresh.Content.ReadAsStringAsync(), Is.EqualTo("kept"));
    }

    private async Task<Uri> KeptUrlAsync(Guid jobId)
    {
        var artifacts = await Platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/artifacts", UriKind.Relative));
        return new Uri(artifacts.EnumerateArray().Single(a => a.GetProperty("name").GetString() == "kept.txt").GetProperty("url").GetString()!);
    }
}

using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using EventPlatform.Agent.Artifacts;
using EventPlatform.Api.Jobs.Artifacts;
using EventPlatform.Contracts.Artifacts;
using EventPlatform.IntegrationTests.Sqs;
using Microsoft.Extensions.Options;

namespace EventPlatform.IntegrationTests.Artifacts;

/// <summary>The Agent's S3 store writes and the API's S3 catalog lists and pre-signs, against the emulator ./test.sh starts.</summary>
public class When_artifacts_are_stored_in_s3
{
    private static readonly Guid JobId = Guid.Parse("0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e");
    private static readonly Uri ApiBase = new("http://127.0.0.1:8080/");

    [Test]
    public async Task Should_put_list_and_serve_each_artifact_through_a_pre_signed_url()
    {
        await using var bucket = await TestBucket.CreateAsync(prefix: "staging");
        var binary = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
        using (var store = new S3ArtifactStore(AgentSettings(bucket, attempt: 2)))
        {
            await store.PutAsync("out.txt", new MemoryStream(Encoding.UTF8.GetBytes("hello artifact")), CancellationToken.None);
            await store.PutAsync("reports/data.bin", new MemoryStream(binary), CancellationToken.None);
        }

        var catalog = Catalog(bucket);
        var before = DateTimeOffset.UtcNow;
        var links = await catalog.ListAsync(JobId, 2, ApiBase, CancellationToken.None);

        Assert.That(links.Select(l => (l.Name, l.Size)), Is.EqualTo(new[] { ("out.txt", 14L), ("reports/data.bin", 70_000L) }));
        Assert.That(links.Select(l => l.ExpiresAt), Is.All.InRange(before.AddMinutes(15).AddSeconds(-1), before.AddMinutes(16)));
        using var http = new HttpClient();
        foreach (var (link, expected) in links.Zip(new[] { Encoding.UTF8.GetBytes("hello artifact"), binary }))
        {
            Assert.That(link.Url.ToString(), Does.StartWith($"{TestAws.Endpoint}/{bucket.Name}/staging/jobs/{JobId}/attempt-2/"));
            Assert.That(link.Url.Query, Does.Contain("X-Amz-Signature=").And.Contain("X-Amz-Expires="));
            using var response = await http.GetAsync(link.Url);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), link.Name);
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(expected), link.Name);
        }

        Assert.That(await catalog.ListAsync(JobId, 1, ApiBase, CancellationToken.None), Is.Empty, "another attempt's prefix");
    }

    [Test]
    public async Task Should_open_a_stored_artifact_and_answer_null_for_a_missing_one()
    {
        await using var bucket = await TestBucket.CreateAsync();
        using (var store = new S3ArtifactStore(AgentSettings(bucket, attempt: 1)))
        {
            await store.PutAsync("logs.txt", new MemoryStream(Encoding.UTF8.GetBytes("line one\nline two\n")), CancellationToken.None);
        }

        var catalog = Catalog(bucket);
        await using var logs = await catalog.OpenAsync(JobId, 1, "logs.txt", CancellationToken.None);
        using var reader = new StreamReader(logs!);

        Assert.That(await reader.ReadToEndAsync(), Is.EqualTo("line one\nline two\n"));
        Assert.That(await catalog.OpenAsync(JobId, 1, "result.json", CancellationToken.None), Is.Null);
        Assert.That(await catalog.OpenAsync(JobId, 9, "logs.txt", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Should_page_through_a_listing_longer_than_one_response()
    {
        await using var bucket = await TestBucket.CreateAsync();
        using (var store = new S3ArtifactStore(AgentSettings(bucket, attempt: 1)))
        {
            for (var i = 0; i < 1_005; i++)
            {
                await store.PutAsync($"frames/{i:D4}.txt", new MemoryStream([(byte)'x']), CancellationToken.None);
            }
        }

        var links = await Catalog(bucket).ListAsync(JobId, 1, ApiBase, CancellationToken.None);

        Assert.That(links, Has.Count.EqualTo(1_005));
        Assert.That(links[^1].Name, Is.EqualTo("frames/1004.txt"));
    }

    [Test]
    public async Task Should_have_the_agent_store_its_command_files_result_logs_and_replay_as_the_launcher_configures_it()
    {
        await using var bucket = await TestBucket.CreateAsync();
        var work = Directory.CreateTempSubdirectory("ep-agent-s3-");
        try
        {
            var exitCode = await RunAgentAsync(bucket, work.FullName, "sh", "-c", "echo '::step write'; printf 42 > \"$EP_ARTIFACTS_DIR/answer.txt\"; echo written");

            Assert.That(exitCode, Is.Zero);
            var catalog = Catalog(bucket);
            var links = await catalog.ListAsync(JobId, 1, ApiBase, CancellationToken.None);
            Assert.That(links.Select(l => l.Name), Is.EqualTo(new[] { "answer.txt", "logs.txt", "result.json", "session-replay.json" }));
            using var http = new HttpClient();
            var result = JsonDocument.Parse(await http.GetByteArrayAsync(links.Single(l => l.Name == "result.json").Url)).RootElement;
            Assert.That(result.GetProperty("artifactsStored").GetBoolean(), Is.True);
            Assert.That(await http.GetStringAsync(links.Single(l => l.Name == "logs.txt").Url), Is.EqualTo("::step write\nwritten\n"));
            Assert.That(await http.GetStringAsync(links.Single(l => l.Name == "answer.txt").Url), Is.EqualTo("42"));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Should_have_the_agent_report_in_its_log_that_nothing_could_be_stored_when_the_bucket_is_missing()
    {
        await using var bucket = await TestBucket.CreateAsync();
        var missing = new ArtifactsOptions
        {
            Store = ArtifactStoreKind.S3,
            Bucket = "ep-no-such-bucket",
            ServiceUrl = bucket.Options.ServiceUrl,
            Region = TestAws.Region,
        };
        var work = Directory.CreateTempSubdirectory("ep-agent-s3-");
        try
        {
            var output = new StringBuilder();
            var exitCode = await RunAgentAsync(missing, work.FullName, output, "sh", "-c", "exit 3");

            Assert.That(exitCode, Is.EqualTo(3), "the job's outcome is its command's");
            Assert.That(output.ToString(), Does.Contain("\"level\":\"Error\"").And.Contain("Artifacts not stored: result.json could not be stored after 4 tries"));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static S3ArtifactCatalog Catalog(TestBucket bucket) =>
        new(S3Clients.Create(bucket.Options), Options.Create(bucket.Options), TimeProvider.System);

    private static ArtifactSettings AgentSettings(TestBucket bucket, int attempt) => new(
        bucket.Name,
        LocalRoot: null,
        ArtifactLayout.AttemptPrefix(bucket.Options.Prefix, JobId, attempt),
        new Uri(TestAws.Endpoint),
        TestAws.Region,
        new StoreCredentials("test", "test", SessionToken: null));

    private static Task<int> RunAgentAsync(TestBucket bucket, string work, params string[] command) =>
        RunAgentAsync(bucket.Options, work, new StringBuilder(), command);

    /// <summary>The agent with exactly the environment the local launcher gives it for this store.</summary>
    private static async Task<int> RunAgentAsync(ArtifactsOptions options, string work, StringBuilder output, params string[] command)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = work };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EventPlatform.Agent.dll"));
        foreach (var argument in command)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        startInfo.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        startInfo.Environment["HOME"] = work;
        startInfo.Environment["EP_JOB_ID"] = JobId.ToString();
        startInfo.Environment["EP_ATTEMPT"] = "1";
        foreach (var (name, value) in ArtifactVariables.For(options, JobId, 1))
        {
            startInfo.Environment[name] = value;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var agent = Process.Start(startInfo)!;
        var stdout = agent.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = agent.StandardError.ReadToEndAsync(timeout.Token);
        await agent.WaitForExitAsync(timeout.Token);
        output.Append(await stdout);
        Assert.That(await stderr, Is.Empty);
        return agent.ExitCode;
    }
}

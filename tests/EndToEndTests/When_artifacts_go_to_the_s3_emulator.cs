using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using EventPlatform.Testing;

namespace EventPlatform.EndToEndTests;

/// <summary>The embedded default configured with an S3 endpoint (the emulator ./test.sh starts): Agents upload there, the API pre-signs.</summary>
[TestFixture]
[NonParallelizable]
public sealed class When_artifacts_go_to_the_s3_emulator : PlatformFixture
{
    private const string Region = "us-east-1";
    private static readonly string Bucket = $"ep-e2e-{Guid.NewGuid():N}";

    private static string Endpoint =>
        Environment.GetEnvironmentVariable("EP_TEST_AWS_ENDPOINT") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("EP_TEST_AWS_ENDPOINT is not set. Run the tests through ./test.sh, which starts the S3 emulator.");

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Artifacts__Bucket"] = Bucket,
        ["Artifacts__ServiceUrl"] = Endpoint,
        ["Artifacts__Region"] = Region,
    };

    [OneTimeSetUp]
    public async Task CreateBucket()
    {
        using var s3 = new AmazonS3Client(
            new BasicAWSCredentials("test", "test"), new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = Region });
        await s3.PutBucketAsync(Bucket);
    }

    [Test]
    public async Task Should_serve_live_output_then_list_pre_signed_urls_for_what_the_agent_uploaded()
    {
        var jobId = await SubmitAsync(new
        {
            command = new[] { "sh", "-c", "echo first line; sleep 10; printf hello > \"$EP_ARTIFACTS_DIR/out.txt\"; echo done" },
        });
        await StateAsync(jobId, "Running");
        var live = await Eventually.MatchAsync(() => LogsAsync(jobId), text => text.Length > 0, TimeSpan.FromSeconds(20), "live output");

        // Served while the job still ran: on a loaded machine the first poll may come late, but not ten seconds late.
        Assert.That(live, Does.StartWith("first line\n"));
        Assert.That((await GetJobAsync(jobId)).GetProperty("state").GetString(), Is.EqualTo("Running"));

        await StateAsync(jobId, "Succeeded");
        var artifacts = (await Platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/artifacts", UriKind.Relative))).EnumerateArray().ToList();

        Assert.That(artifacts.Select(a => a.GetProperty("name").GetString()), Is.EqualTo(new[] { "logs.txt", "out.txt", "result.json", "session-replay.json" }));
        var outUrl = new Uri(artifacts.Single(a => a.GetProperty("name").GetString() == "out.txt").GetProperty("url").GetString()!);
        Assert.That(outUrl.ToString(), Does.StartWith($"{Endpoint}/{Bucket}/jobs/{jobId}/attempt-1/out.txt?"));
        using var http = new HttpClient();
        using var download = await http.GetAsync(outUrl);
        Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await download.Content.ReadAsStringAsync(), Is.EqualTo("hello"));
        Assert.That(await LogsAsync(jobId), Is.EqualTo("first line\ndone\n"));
    }

    private Task<string> LogsAsync(Guid jobId) => Platform.Http.GetStringAsync(new Uri($"/jobs/{jobId}/logs", UriKind.Relative));
}

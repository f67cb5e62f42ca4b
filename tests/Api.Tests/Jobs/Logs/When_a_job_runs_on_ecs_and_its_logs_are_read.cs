using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.Tests.Ecs;
using EventPlatform.Testing;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EventPlatform.Api.Tests.Jobs.Logs;

/// <summary>
/// The whole API host with the ECS launcher, its ECS and CloudWatch Logs calls answered by a fake
/// endpoint on loopback, on a PostgreSQL database of its own: a submitted job is launched, started,
/// and its logs read while it runs and after it stored logs.txt.
/// </summary>
[NonParallelizable]
public class When_a_job_runs_on_ecs_and_its_logs_are_read
{
    private const string ApiKey = "alice-key";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private FakeEcs aws = null!;
    private string connectionString = null!;
    private DirectoryInfo artifacts = null!;
    private WebApplicationFactory<Program> factory = null!;
    private HttpClient http = null!;

    [OneTimeSetUp]
    public async Task StartTheHost()
    {
        aws = await FakeEcs.StartAsync();
        connectionString = await TestPostgres.CreateDatabaseAsync("api_logs");
        artifacts = Directory.CreateTempSubdirectory("ep-api-logs-");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["EventStore:RunAsyncDaemon"] = "false",
            ["Reconciliation:RunReconciler"] = "false",
            ["Auth:ApiKeys:0:Key"] = ApiKey,
            ["Auth:ApiKeys:0:User"] = "alice",
            ["Artifacts:Store"] = "Local",
            ["Artifacts:LocalRoot"] = artifacts.FullName,
            ["EcsBridge:Launcher"] = "Ecs",
            ["Ecs:Region"] = "eu-west-1",
            ["Ecs:Endpoint"] = aws.Endpoint.ToString(),
            ["Ecs:LogsEndpoint"] = aws.Endpoint.ToString(),
            ["Ecs:AgentLogGroup"] = "/ecs/test/agent",
            ["Ecs:Cluster"] = "eventplatform-jobs",
            ["Ecs:TaskDefinition"] = "eventplatform-agent:1",
            ["Ecs:Subnets:0"] = "subnet-0a1b2c3d",
            ["Ecs:ArtifactsBucket"] = "eventplatform-artifacts",
            ["Ecs:MaxAttempts"] = "2",
            ["Ecs:RetryBaseDelay"] = "00:00:00.010",
            ["Ecs:RetryMaxDelay"] = "00:00:00.020",
        };

        // Fixed credentials through the SDK's own chain, as a task role's would arrive.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }
        });
        http = factory.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
    }

    [OneTimeTearDown]
    public async Task StopTheHost()
    {
        http.Dispose();
        await factory.DisposeAsync();
        await aws.DisposeAsync();
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", null);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", null);
        await TestPostgres.DropDatabaseAsync(connectionString);
        artifacts.Delete(recursive: true);
    }

    [Test]
    public async Task Should_serve_the_cloudwatch_lines_while_the_attempt_runs_and_the_stored_logs_after()
    {
        var jobId = await StartRunningJobAsync();
        aws.Answer("FilterLogEvents", CannedResponse.Ok(Page(jobId, (2, "stderr", "warming up"), (1, "agent", "Started 'sh' as pid 7."), (3, "stdout", "hello"))));

        using var live = await http.GetAsync(new Uri($"/jobs/{jobId}/logs", UriKind.Relative));
        var query = aws.RequestsFor("FilterLogEvents").Last().Json;

        Assert.Multiple(async () =>
        {
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(live.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
            Assert.That(await live.Content.ReadAsStringAsync(), Is.EqualTo("warming up\nhello\n"));
            Assert.That(query.GetProperty("logGroupName").GetString(), Is.EqualTo("/ecs/test/agent"));
            Assert.That(query.GetProperty("filterPattern").GetString(), Is.EqualTo($"{{ ($.jobId = \"{jobId}\") && ($.attempt = 1) }}"));
        });

        var attemptFolder = Directory.CreateDirectory(Path.Combine(artifacts.FullName, "jobs", jobId.ToString(), "attempt-1"));
        await File.WriteAllTextAsync(Path.Combine(attemptFolder.FullName, "logs.txt"), "warming up\nhello\nbye\n");
        var queriesBefore = aws.RequestsFor("FilterLogEvents").Count;

        using var stored = await http.GetAsync(new Uri($"/jobs/{jobId}/logs", UriKind.Relative));

        Assert.That(stored.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await stored.Content.ReadAsStringAsync(), Is.EqualTo("warming up\nhello\nbye\n"));
        Assert.That(aws.RequestsFor("FilterLogEvents"), Has.Count.EqualTo(queriesBefore));
    }

    [Test]
    public async Task Should_answer_502_when_cloudwatch_refuses_and_503_when_it_stays_throttled()
    {
        var jobId = await StartRunningJobAsync();

        aws.Answer("FilterLogEvents", CannedResponse.Error(400, "AccessDeniedException", "not authorized to perform: logs:FilterLogEvents"));
        var refused = await ProblemAsync(jobId);
        aws.Answer("FilterLogEvents", CannedResponse.Throttled(), CannedResponse.Throttled());
        var throttled = await ProblemAsync(jobId);

        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.BadGateway));
            Assert.That(refused.Title, Is.EqualTo("Live output unavailable"));
            Assert.That(refused.Detail, Does.Contain("AccessDeniedException"));
            Assert.That(throttled.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(throttled.Detail, Does.Contain("ThrottlingException"));
        });
    }

    /// <summary>Submits a job, waits for the launcher's RunTask, and reports the task started, as EventBridge's event would.</summary>
    private async Task<Guid> StartRunningJobAsync()
    {
        using var submitted = await http.PostAsJsonAsync(
            new Uri("/jobs", UriKind.Relative), new { command = new[] { "sh", "-c", "echo hello" }, timeoutSeconds = 600 });
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await submitted.Content.ReadAsStringAsync());
        var jobId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();

        var run = await Eventually.MatchAsync(
            () => Task.FromResult(aws.RequestsFor("RunTask").FirstOrDefault(r => r.Json.GetProperty("startedBy").GetString() == jobId.ToString())),
            request => request is not null,
            Patience,
            "the launcher's RunTask");
        Assert.That(run, Is.Not.Null);
        await factory.Services.GetRequiredService<IBus>().Publish(
            new TaskStarted(jobId, 1, $"arn:aws:ecs:eu-west-1:123456789012:task/eventplatform-jobs/{jobId:N}", DateTimeOffset.UtcNow));
        await Eventually.MatchAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}", UriKind.Relative))).GetProperty("state").GetString(),
            state => state == "Running",
            Patience,
            "the job to run");
        return jobId;
    }

    private async Task<(HttpStatusCode Status, string? Title, string? Detail)> ProblemAsync(Guid jobId)
    {
        using var response = await http.GetAsync(new Uri($"/jobs/{jobId}/logs", UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        return (response.StatusCode, problem.GetProperty("title").GetString(), problem.GetProperty("detail").GetString());
    }

    private static string Page(Guid jobId, params (long Timestamp, string Stream, string Message)[] lines) => JsonSerializer.Serialize(new
    {
        events = lines.Select(l => new
        {
            logStreamName = $"agent/job/{jobId:N}",
            timestamp = l.Timestamp,
            message = JsonSerializer.Serialize(new { timestamp = "2026-03-04T05:06:07+00:00", level = "Information", jobId, attempt = 1, stream = l.Stream, message = l.Message }),
        }),
    });
}

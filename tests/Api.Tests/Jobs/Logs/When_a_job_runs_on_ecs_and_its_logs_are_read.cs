using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Api.Tests.Hosting;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.Tests.Ecs;
using EventPlatform.Testing;
using MassTransit;
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
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private EcsApiHost host = null!;
    private FakeEcs aws = null!;
    private HttpClient http = null!;

    [OneTimeSetUp]
    public async Task StartTheHost()
    {
        host = await EcsApiHost.StartAsync("api_logs", new Dictionary<string, string>
        {
            ["Ecs:MaxAttempts"] = "2",
            ["Ecs:RetryBaseDelay"] = "00:00:00.010",
            ["Ecs:RetryMaxDelay"] = "00:00:00.020",
        });
        aws = host.Aws;
        http = host.Client();
    }

    [OneTimeTearDown]
    public async Task StopTheHost()
    {
        http.Dispose();
        await host.DisposeAsync();
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

        var attemptFolder = Directory.CreateDirectory(Path.Combine(host.Artifacts.FullName, "jobs", jobId.ToString(), "attempt-1"));
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
        await host.Factory.Services.GetRequiredService<IBus>().Publish(
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

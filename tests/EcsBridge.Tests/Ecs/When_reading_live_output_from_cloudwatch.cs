using EventPlatform.Contracts.Tasks;

namespace EventPlatform.EcsBridge.Tests.Ecs;

public class When_reading_live_output_from_cloudwatch : EcsScenarioFixture
{
    private const string JobIdText = "0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b";
    private static readonly Guid JobId = Guid.Parse(JobIdText);

    [Test]
    public async Task Should_ask_filter_log_events_for_this_attempts_agent_records_signed_for_cloudwatch_logs()
    {
        Assert.That(await ReadAsync(attempt: 2), Is.Empty);

        var request = Scenario.Server.Requests.Single();
        var body = request.Json;
        var authorization = SigV4Oracle.Parse(request.Headers["Authorization"]);
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Path, Is.EqualTo("/"));
            Assert.That(request.Headers["X-Amz-Target"], Is.EqualTo("Logs_20140328.FilterLogEvents"));
            Assert.That(request.Headers["Content-Type"], Is.EqualTo("application/x-amz-json-1.1"));
            Assert.That(request.Headers["X-Amz-Date"], Is.EqualTo("20260304T050607Z"));
            Assert.That(authorization.Success, Is.True, request.Headers["Authorization"]);
            Assert.That(authorization.Groups["key"].Value, Is.EqualTo(EcsScenario.AccessKey));
            Assert.That(authorization.Groups["date"].Value, Is.EqualTo("20260304"));
            Assert.That(authorization.Groups["region"].Value, Is.EqualTo(EcsScenario.Region));
            Assert.That(authorization.Groups["service"].Value, Is.EqualTo("logs"));
            Assert.That(authorization.Groups["signed"].Value.Split(';'), Does.Contain("x-amz-target").And.Contain("host"));
            Assert.That(
                authorization.Groups["signature"].Value,
                Is.EqualTo(SigV4Oracle.ExpectedSignature(request, EcsScenario.SecretKey, EcsScenario.Region, "logs")));
            Assert.That(body.GetProperty("logGroupName").GetString(), Is.EqualTo(EcsScenario.AgentLogGroup));
            Assert.That(body.GetProperty("logStreamNamePrefix").GetString(), Is.EqualTo("agent/"));
            Assert.That(body.GetProperty("filterPattern").GetString(), Is.EqualTo($"{{ ($.jobId = \"{JobIdText}\") && ($.attempt = 2) }}"));
            Assert.That(body.TryGetProperty("nextToken", out _), Is.False);
        });
    }

    [Test]
    public async Task Should_page_through_every_next_token_and_keep_only_the_commands_lines_in_time_order()
    {
        Scenario.Server.Answer(
            "FilterLogEvents",
            CannedResponse.Ok(Page("page-2", Event(1_000, "agent", "Started 'sh' as pid 7."), Event(1_003, "stdout", "third"))),
            CannedResponse.Ok(Page("page-3")),
            CannedResponse.Ok(Page(
                next: null,
                Event(1_001, "stdout", "first"),
                Event(1_002, "stderr", "second: \\\"quoted\\\""),
                new { timestamp = 1_004L, message = "not a record of the agent" },
                Event(1_005, "agent", "Command exited with code 0."))));

        var text = await ReadAsync(attempt: 1);

        var requests = Scenario.Server.RequestsFor("FilterLogEvents");
        Assert.Multiple(() =>
        {
            Assert.That(text, Is.EqualTo("first\nsecond: \"quoted\"\nthird\n"));
            Assert.That(requests, Has.Count.EqualTo(3));
            Assert.That(requests.Select(r => r.Json.TryGetProperty("nextToken", out var token) ? token.GetString() : null), Is.EqualTo(new[] { null, "page-2", "page-3" }));
            Assert.That(requests.Select(r => r.Json.GetProperty("filterPattern").GetString()).Distinct().Count(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Should_retry_when_throttled_or_failing_and_then_answer()
    {
        Scenario.Server.Answer(
            "FilterLogEvents",
            CannedResponse.Throttled(),
            CannedResponse.Error(503, "ServiceUnavailableException", "Try again."),
            CannedResponse.Ok(Page(next: null, Event(5, "stdout", "made it"))));

        Assert.That(await ReadAsync(attempt: 1), Is.EqualTo("made it\n"));
        Assert.That(Scenario.Server.RequestsFor("FilterLogEvents"), Has.Count.EqualTo(3));
    }

    [Test]
    public void Should_fail_as_passing_when_throttling_outlasts_the_retries()
    {
        Scenario.Server.Answer("FilterLogEvents", Enumerable.Repeat(CannedResponse.Throttled(), 10).ToArray());

        var failure = Assert.ThrowsAsync<LiveOutputUnavailableException>(() => ReadAsync(attempt: 1));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Transient, Is.True);
            Assert.That(failure.Message, Does.Contain("ThrottlingException"));
            Assert.That(Scenario.Server.RequestsFor("FilterLogEvents"), Has.Count.EqualTo(Scenario.Options.MaxAttempts));
        });
    }

    [Test]
    public void Should_fail_at_once_and_for_good_when_cloudwatch_refuses_the_call()
    {
        Scenario.Server.Answer("FilterLogEvents", CannedResponse.Error(400, "AccessDeniedException", "User is not authorized to perform: logs:FilterLogEvents"));

        var failure = Assert.ThrowsAsync<LiveOutputUnavailableException>(() => ReadAsync(attempt: 1));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Transient, Is.False);
            Assert.That(failure.Message, Does.Contain("AccessDeniedException").And.Contain("logs:FilterLogEvents"));
            Assert.That(Scenario.Server.RequestsFor("FilterLogEvents"), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Should_say_so_without_calling_when_no_log_group_is_configured()
    {
        await using var unconfigured = await EcsScenario.StartAsync(options => options.AgentLogGroup = string.Empty);

        var failure = Assert.ThrowsAsync<LiveOutputUnavailableException>(() => unconfigured.LiveOutput.OpenAsync(JobId, 1, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Transient, Is.False);
            Assert.That(failure.Message, Does.Contain("Ecs:AgentLogGroup"));
            Assert.That(unconfigured.Server.Requests, Is.Empty);
        });
    }

    private async Task<string> ReadAsync(int attempt)
    {
        await using var output = await Scenario.LiveOutput.OpenAsync(JobId, attempt, CancellationToken.None);
        using var reader = new StreamReader(output);
        return await reader.ReadToEndAsync();
    }

    /// <summary>A FilterLogEvents event whose message is a record as the Agent writes it (src/Agent/AgentLog.cs).</summary>
    private static object Event(long timestamp, string stream, string message) => new
    {
        logStreamName = "agent/job/5d2c4f0e8a9b4c7d9e1f2a3b4c5d6e7f",
        timestamp,
        message = $$"""{"timestamp":"2026-03-04T05:06:07+00:00","level":"Information","jobId":"{{JobIdText}}","attempt":1,"stream":"{{stream}}","message":"{{message}}"}""",
        ingestionTime = timestamp + 50,
        eventId = $"{timestamp}",
    };

    private static string Page(string? next, params object[] events) =>
        System.Text.Json.JsonSerializer.Serialize(new { events, searchedLogStreams = Array.Empty<object>(), nextToken = next });
}

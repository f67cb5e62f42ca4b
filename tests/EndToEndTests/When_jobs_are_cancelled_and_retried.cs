using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventPlatform.EndToEndTests;

[TestFixture]
[NonParallelizable]
public sealed class When_jobs_are_cancelled_and_retried : PlatformFixture
{
    [Test]
    public async Task Should_stop_a_running_job_and_end_it_cancelled()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sleep", "60" }, timeoutSeconds = 120 });
        await StateAsync(jobId, "Running");

        using var first = await CancelAsync(jobId, new { reason = "changed my mind" });
        using var second = await CancelAsync(jobId, body: null);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "cancelling twice is fine");
        var cancelled = await StateAsync(jobId, "Cancelled");
        Assert.That(cancelled.GetProperty("cancelRequestedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That(cancelled.GetProperty("finishedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That(await EventTypesAsync(jobId), Is.EqualTo(new[]
        {
            "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobCancelRequested", "JobCancelled",
        }));

        using var afterwards = await CancelAsync(jobId, body: null);
        Assert.That(afterwards.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "a cancelled job stays cancelled");
    }

    [Test]
    public async Task Should_refuse_to_cancel_a_job_that_already_ended()
    {
        var jobId = await SubmitAsync(new { command = new[] { "true" } });
        await StateAsync(jobId, "Succeeded");

        using var response = await CancelAsync(jobId, body: null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("Succeeded"));
        Assert.That(await EventTypesAsync(jobId), Does.Not.Contain("JobCancelRequested"));
    }

    [Test]
    public async Task Should_answer_a_cancel_of_an_unknown_job_or_with_a_bad_body_with_a_problem()
    {
        using var unknown = await CancelAsync(Guid.CreateVersion7(), body: null);
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        var jobId = await SubmitAsync(new { command = new[] { "sleep", "30" } });
        using var bad = await CancelAsync(jobId, new { reason = 42 });
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").TryGetProperty("reason", out _), Is.True);
        Assert.That((await GetJobAsync(jobId)).GetProperty("cancelRequestedAt").ValueKind, Is.EqualTo(JsonValueKind.Null), "a bad request changes nothing");
    }

    [Test]
    public async Task Should_retry_an_exit_code_the_job_names_and_succeed_on_the_second_attempt()
    {
        // Each attempt has a /tmp of its own in the sandbox: the attempt number is what tells them apart.
        var jobId = await SubmitAsync(new
        {
            command = new[] { "sh", "-c", "if [ \"$EP_ATTEMPT\" -ge 2 ]; then exit 0; fi; exit 4" },
            retryOnExitCodes = new[] { 4 },
            maxAttempts = 3,
        });

        var job = await FinalStateAsync(jobId);

        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), Platform.Output);
        Assert.That(job.GetProperty("attempt").GetInt32(), Is.EqualTo(2));
        Assert.That(await EventTypesAsync(jobId), Is.EqualTo(new[]
        {
            "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobRetryScheduled",
            "JobQueued", "JobLaunchRequested", "JobStarted", "JobSucceeded",
        }));
    }

    [Test]
    public async Task Should_not_retry_a_plain_failure_but_give_up_on_an_agent_failure_after_the_last_attempt()
    {
        var plain = await SubmitAsync(new { command = new[] { "sh", "-c", "exit 4" } });
        var agentFailure = await SubmitAsync(new { command = new[] { "sh", "-c", "exit 125" }, maxAttempts = 2 });

        var failed = await FinalStateAsync(plain);
        var exhausted = await FinalStateAsync(agentFailure);

        Assert.That(failed.GetProperty("state").GetString(), Is.EqualTo("Failed"));
        Assert.That(failed.GetProperty("attempt").GetInt32(), Is.EqualTo(1));
        Assert.That(exhausted.GetProperty("state").GetString(), Is.EqualTo("Failed"));
        Assert.That(exhausted.GetProperty("attempt").GetInt32(), Is.EqualTo(2));
        Assert.That(exhausted.GetProperty("exitCode").GetInt32(), Is.EqualTo(125));
        Assert.That(exhausted.GetProperty("error").GetString(), Is.EqualTo("The agent failed (exit code 125). (attempt 2 of 2)"));
    }

    private Task<HttpResponseMessage> CancelAsync(Guid jobId, object? body) => body is null
        ? Platform.Http.PostAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), content: null)
        : Platform.Http.PostAsJsonAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), body);
}

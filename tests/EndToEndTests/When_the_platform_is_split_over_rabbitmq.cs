using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Testing;

namespace EventPlatform.EndToEndTests;

/// <summary>
/// The platform as AWS runs it: the Api in one process, Sagas, EcsBridge and Projections in
/// another, talking over RabbitMQ, sharing one database.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class When_the_platform_is_split_over_rabbitmq : PlatformFixture
{
    protected override bool SplitOverRabbitMq => true;

    // Long enough that only the broker, not the submission's recovery timer, can bring a
    // submission made while the worker host is down to the saga.
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["JobLifecycle__SubmissionRecoveryDelay"] = "00:10:00",
    };

    [Test]
    public async Task Should_run_a_job_submitted_to_the_api_host_to_success()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "echo hello" } });

        var job = await FinalStateAsync(jobId);

        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), Platform.Output);
        Assert.That(job.GetProperty("exitCode").GetInt32(), Is.Zero);
        Assert.That(await EventTypesAsync(jobId), Is.EqualTo(new[]
        {
            "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobSucceeded",
        }));
        var timeline = await Eventually.MatchAsync(
            () => Platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/timeline", UriKind.Relative)),
            view => view.GetProperty("source").GetString() == "projection" && view.GetProperty("entries").GetArrayLength() == 5,
            TimeSpan.FromSeconds(30),
            "the worker host's async daemon to project the timeline");
        Assert.That(timeline.GetProperty("entries")[4].GetProperty("event").GetString(), Is.EqualTo("JobSucceeded"));
    }

    [Test]
    public async Task Should_end_a_failing_job_failed_with_its_exit_code()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "exit 3" } });

        var job = await FinalStateAsync(jobId);

        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Failed"), Platform.Output);
        Assert.That(job.GetProperty("exitCode").GetInt32(), Is.EqualTo(3));
        Assert.That(await EventTypesAsync(jobId), Is.EqualTo(new[]
        {
            "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobFailed",
        }));
    }

    [Test]
    public async Task Should_cancel_a_running_job()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sleep", "60" }, timeoutSeconds = 120 });
        await StateAsync(jobId, "Running");

        using var cancel = await Platform.Http.PostAsJsonAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), new { reason = "not needed" });

        Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var job = await StateAsync(jobId, "Cancelled");
        Assert.That(job.GetProperty("finishedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That(await EventTypesAsync(jobId), Is.EqualTo(new[]
        {
            "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobCancelRequested", "JobCancelled",
        }));
    }

    [Test]
    public async Task Should_keep_a_submission_in_the_broker_while_the_worker_host_is_down()
    {
        await Platform.KillWorkersAsync();
        try
        {
            var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "echo kept" } });

            Assert.That((await GetJobAsync(jobId)).GetProperty("state").GetString(), Is.EqualTo("Queued"));
            var waiting = await TestRabbitMq.ReadyMessagesAsync(Platform.VirtualHost);
            Assert.That(waiting.GetValueOrDefault("JobState"), Is.EqualTo(1), $"the saga's queue holds the submission: {string.Join(", ", waiting)}");
            Assert.That(await EventTypesAsync(jobId), Is.EqualTo(new[] { "JobSubmitted" }));

            await Platform.StartWorkersAsync();

            var job = await FinalStateAsync(jobId);
            Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), Platform.Output);
            Assert.That(await EventTypesAsync(jobId), Is.EqualTo(new[]
            {
                "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobSucceeded",
            }));
        }
        finally
        {
            if (!Platform.WorkersRunning)
            {
                await Platform.StartWorkersAsync();
            }
        }
    }
}

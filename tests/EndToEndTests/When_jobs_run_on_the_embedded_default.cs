using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventPlatform.EndToEndTests;

[TestFixture]
[NonParallelizable]
public sealed class When_jobs_run_on_the_embedded_default : PlatformFixture
{
    [Test]
    public async Task Should_end_each_job_in_the_state_its_command_earns()
    {
        var succeeding = await SubmitAsync(new { command = new[] { "sh", "-c", "echo hi" }, timeoutSeconds = 60, priority = "normal", env = new Dictionary<string, string> { ["K"] = "V" } });
        var failing = await SubmitAsync(new { command = new[] { "sh", "-c", "exit 3" } });
        var overstaying = await SubmitAsync(new { command = new[] { "sleep", "30" }, timeoutSeconds = 2 });

        var succeeded = await FinalStateAsync(succeeding);
        var failed = await FinalStateAsync(failing);
        var timedOut = await FinalStateAsync(overstaying);

        Assert.Multiple(() =>
        {
            Assert.That(succeeded.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), Platform.Output);
            Assert.That(succeeded.GetProperty("exitCode").GetInt32(), Is.Zero);
            Assert.That(succeeded.GetProperty("attempt").GetInt32(), Is.EqualTo(1));
            Assert.That(succeeded.GetProperty("startedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
            Assert.That(succeeded.GetProperty("finishedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
            Assert.That(succeeded.GetProperty("error").ValueKind, Is.EqualTo(JsonValueKind.Null));

            Assert.That(failed.GetProperty("state").GetString(), Is.EqualTo("Failed"));
            Assert.That(failed.GetProperty("exitCode").GetInt32(), Is.EqualTo(3));
            Assert.That(failed.GetProperty("error").GetString(), Does.Contain("3"));

            Assert.That(timedOut.GetProperty("state").GetString(), Is.EqualTo("TimedOut"));
            Assert.That(timedOut.GetProperty("exitCode").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(timedOut.GetProperty("error").GetString(), Does.Contain("timeout of 2 s"));
        });

        Assert.That(await EventTypesAsync(succeeding), Is.EqualTo(new[] { "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobSucceeded" }));
        Assert.That(await EventTypesAsync(failing), Is.EqualTo(new[] { "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobFailed" }));
        Assert.That(await EventTypesAsync(overstaying), Is.EqualTo(new[] { "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobTimedOut" }));
    }

    [Test]
    public async Task Should_show_a_job_as_queued_or_later_as_soon_as_it_is_accepted()
    {
        using var response = await Platform.Http.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), new { command = new[] { "true" } });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var jobId = accepted.GetProperty("jobId").GetGuid();
        Assert.That(accepted.GetProperty("statusUrl").GetString(), Is.EqualTo($"/jobs/{jobId}"));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/jobs/{jobId}"));

        var job = await Platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}", UriKind.Relative));
        Assert.That(job.GetProperty("jobId").GetGuid(), Is.EqualTo(jobId));
        Assert.That(job.GetProperty("state").GetString(), Is.AnyOf("Queued", "Starting", "Running", "Succeeded"));
        Assert.That(job.GetProperty("priority").GetString(), Is.EqualTo("normal"));
        Assert.That(job.GetProperty("timeoutSeconds").GetInt32(), Is.EqualTo(3600));
    }

    [Test]
    public async Task Should_refuse_an_invalid_job_with_a_problem_naming_the_field_and_store_nothing()
    {
        using var response = await Platform.Http.PostAsJsonAsync(
            new Uri("/jobs", UriKind.Relative), new { command = new[] { "true" }, timeoutSeconds = 0, priority = "urgent" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.That(errors.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "timeoutSeconds", "priority" }));

        using var malformed = await Platform.Http.PostAsync(
            new Uri("/jobs", UriKind.Relative), new StringContent("{\"command\": [\"true\"], \"timeoutSeconds\": ", System.Text.Encoding.UTF8, "application/json"));
        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(malformed.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Should_answer_an_unknown_job_with_a_404_problem()
    {
        var unknown = Guid.CreateVersion7();
        foreach (var path in new[] { $"/jobs/{unknown}", $"/jobs/{unknown}/events" })
        {
            using var response = await Platform.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), path);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), path);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(unknown.ToString()));
        }
    }

    [Test]
    public async Task Should_report_healthy_when_PostgreSQL_answers_and_the_bus_runs()
    {
        using var response = await Platform.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(report.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        Assert.That(report.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString(), Is.EqualTo("Healthy"));
    }
}

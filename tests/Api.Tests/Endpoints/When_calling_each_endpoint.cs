using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Api.Tests.Hosting;

namespace EventPlatform.Api.Tests.Endpoints;

/// <summary>The answer of each endpoint, as a caller reads it. Alice's jobs succeed at once; Bob's wait in line.</summary>
[TestFixture]
public sealed class When_calling_each_endpoint : ApiHost
{
    [Test]
    public async Task Should_accept_a_job_with_its_id_and_where_to_follow_it()
    {
        using var alice = ClientFor(AliceKey);

        using var response = await alice.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), new { command = new[] { "echo", "hi" }, labels = new { suite = "endpoints" } });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var jobId = body.GetProperty("jobId").GetGuid();
        Assert.That(body.GetProperty("statusUrl").GetString(), Is.EqualTo($"/jobs/{jobId}"));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/jobs/{jobId}"));
    }

    [Test]
    public async Task Should_show_a_finished_job_its_events_timeline_artifacts_and_logs()
    {
        using var alice = ClientFor(AliceKey);
        var jobId = await SubmitAsync(alice, new { command = new[] { "true" }, priority = "low", timeoutSeconds = 30 });

        var job = await StateAsync(alice, jobId, "Succeeded");
        Assert.That(job.GetProperty("jobId").GetGuid(), Is.EqualTo(jobId));
        Assert.That(job.GetProperty("exitCode").GetInt32(), Is.Zero);
        Assert.That(job.GetProperty("attempt").GetInt32(), Is.EqualTo(1));
        Assert.That(job.GetProperty("priority").GetString(), Is.EqualTo("low"));
        Assert.That(job.GetProperty("timeoutSeconds").GetInt32(), Is.EqualTo(30));
        Assert.That(job.GetProperty("userId").GetString(), Is.EqualTo("alice"));

        var asSubmitted = await alice.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}?asOf=1", UriKind.Relative));
        Assert.That(asSubmitted.GetProperty("state").GetString(), Is.EqualTo("Queued"));

        var events = await alice.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/events", UriKind.Relative));
        Assert.That(events.EnumerateArray().Select(e => e.GetProperty("type").GetString()), Is.EqualTo(new[]
        {
            "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobSucceeded",
        }));
        Assert.That(events[0].GetProperty("version").GetInt64(), Is.EqualTo(1));

        var timeline = await alice.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/timeline", UriKind.Relative));
        Assert.That(timeline.GetProperty("jobId").GetGuid(), Is.EqualTo(jobId));
        Assert.That(timeline.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()), Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));

        var artifacts = await alice.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/artifacts", UriKind.Relative));
        Assert.That(artifacts.ValueKind, Is.EqualTo(JsonValueKind.Array));
        using var logs = await alice.GetAsync(new Uri($"/jobs/{jobId}/logs", UriKind.Relative));
        Assert.That(logs.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(logs.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        using var noSuchAttempt = await alice.GetAsync(new Uri($"/jobs/{jobId}/logs?attempt=2", UriKind.Relative));
        Assert.That((await Problem.ReadAsync(noSuchAttempt, HttpStatusCode.NotFound)).GetProperty("title").GetString(), Is.EqualTo("Attempt not found"));
    }

    [Test]
    public async Task Should_list_the_callers_jobs_with_filters()
    {
        using var alice = ClientFor(AliceKey);
        var suite = Guid.NewGuid().ToString("N");
        var older = await SubmitAsync(alice, new { command = new[] { "true" }, labels = new Dictionary<string, string> { ["suite"] = suite } });
        var newer = await SubmitAsync(alice, new { command = new[] { "true" }, priority = "high", labels = new Dictionary<string, string> { ["suite"] = suite } });

        var page = await alice.GetFromJsonAsync<JsonElement>(new Uri($"/jobs?label=suite:{suite}", UriKind.Relative));
        var high = await alice.GetFromJsonAsync<JsonElement>(new Uri($"/jobs?label=suite:{suite}&priority=high", UriKind.Relative));
        var firstOfTwo = await alice.GetFromJsonAsync<JsonElement>(new Uri($"/jobs?label=suite:{suite}&limit=1", UriKind.Relative));

        Assert.That(page.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("jobId").GetGuid()), Is.EqualTo(new[] { newer, older }));
        Assert.That(page.GetProperty("nextCursor").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(high.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("jobId").GetGuid()), Is.EqualTo(new[] { newer }));
        Assert.That(firstOfTwo.GetProperty("nextCursor").GetString(), Is.Not.Empty);
    }

    [Test]
    public async Task Should_cancel_a_waiting_job_and_say_so_again_when_asked_twice()
    {
        using var bob = ClientFor(BobKey);
        var jobId = await SubmitAsync(bob, new { command = new[] { "sleep", "60" } });

        using var cancel = await bob.PostAsJsonAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), new { reason = "not needed" });
        Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var accepted = await cancel.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(accepted.GetProperty("jobId").GetGuid(), Is.EqualTo(jobId));
        Assert.That(accepted.GetProperty("statusUrl").GetString(), Is.EqualTo($"/jobs/{jobId}"));

        await StateAsync(bob, jobId, "Cancelled");
        using var again = await bob.PostAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), content: null);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString(), Is.EqualTo("Cancelled"));
        using var tooLong = await bob.PostAsJsonAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), new { reason = new string('x', 501) });
        Assert.That((await Problem.ReadAsync(tooLong, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("reason", out _), Is.True);
    }

    [Test]
    public async Task Should_show_a_job_that_never_ran_without_artifacts_or_output_and_hide_it_from_others()
    {
        using var bob = ClientFor(BobKey);
        using var alice = ClientFor(AliceKey);
        var jobId = await SubmitAsync(bob, new { command = new[] { "true" } });

        var job = await bob.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}", UriKind.Relative));
        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Queued"));
        Assert.That(job.GetProperty("waitingFor").GetString(), Is.EqualTo("user-capacity"));
        Assert.That(await bob.GetStringAsync(new Uri($"/jobs/{jobId}/artifacts", UriKind.Relative)), Is.EqualTo("[]"));
        Assert.That(await bob.GetStringAsync(new Uri($"/jobs/{jobId}/logs", UriKind.Relative)), Is.Empty);

        foreach (var path in new[] { "", "/events", "/timeline", "/artifacts", "/logs" })
        {
            using var hidden = await alice.GetAsync(new Uri($"/jobs/{jobId}{path}", UriKind.Relative));
            await Problem.ReadAsync(hidden, HttpStatusCode.NotFound);
        }
    }

    [Test]
    public async Task Should_refuse_an_altered_download_link_with_403()
    {
        using var anonymous = ClientFor(apiKey: null);

        using var response = await anonymous.GetAsync(new Uri("/artifacts/not-a-signed-token", UriKind.Relative));

        Assert.That((await Problem.ReadAsync(response, HttpStatusCode.Forbidden)).GetProperty("title").GetString(), Is.EqualTo("Invalid link"));
    }

    [Test]
    public async Task Should_report_health_without_a_key()
    {
        using var anonymous = ClientFor(apiKey: null);

        using var response = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(report.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        Assert.That(report.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString(), Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task Should_list_dead_letters_to_an_admin_and_refuse_to_redrive_one_that_does_not_exist()
    {
        using var admin = ClientFor(AdminKey);

        var letters = await admin.GetFromJsonAsync<JsonElement>(new Uri("/admin/dead-letters", UriKind.Relative));
        using var redrive = await admin.PostAsync(new Uri($"/admin/dead-letters/{Guid.CreateVersion7()}/redrive", UriKind.Relative), content: null);

        Assert.That(letters.ValueKind, Is.EqualTo(JsonValueKind.Array));
        Assert.That((await Problem.ReadAsync(redrive, HttpStatusCode.NotFound)).GetProperty("title").GetString(), Is.EqualTo("Dead letter not found"));
    }
}

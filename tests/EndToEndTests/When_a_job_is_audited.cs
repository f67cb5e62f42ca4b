using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventPlatform.EndToEndTests;

[TestFixture]
[NonParallelizable]
public sealed class When_a_job_is_audited : PlatformFixture
{
    [Test]
    public async Task Should_return_the_job_as_it_was_at_each_version()
    {
        var jobId = await SubmitAsync(new { command = new[] { "true" } });
        await StateAsync(jobId, "Succeeded");

        Assert.That(await StateAsOfAsync(jobId, "1"), Is.EqualTo("Queued"));
        Assert.That(await StateAsOfAsync(jobId, "2"), Is.EqualTo("Queued"));
        Assert.That(await StateAsOfAsync(jobId, "3"), Is.EqualTo("Starting"));
        Assert.That(await StateAsOfAsync(jobId, "4"), Is.EqualTo("Running"));
        Assert.That(await StateAsOfAsync(jobId, "5"), Is.EqualTo("Succeeded"));
    }

    [Test]
    public async Task Should_return_the_job_as_it_was_at_a_time()
    {
        var jobId = await SubmitAsync(new { command = new[] { "true" } });
        await StateAsync(jobId, "Succeeded");
        var events = await Platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/events", UriKind.Relative));
        var started = events.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "JobStarted").GetProperty("timestamp").GetDateTimeOffset();

        Assert.That(await StateAsOfAsync(jobId, started.ToString("O", CultureInfo.InvariantCulture)), Is.EqualTo("Running"));
        Assert.That(await StateAsOfAsync(jobId, DateTimeOffset.UtcNow.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture)), Is.EqualTo("Succeeded"));

        using var before = await Platform.Http.GetAsync(new Uri($"/jobs/{jobId}?asOf={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O", CultureInfo.InvariantCulture))}", UriKind.Relative));
        Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("soon")]
    public async Task Should_reject_a_bad_asOf(string asOf)
    {
        var jobId = await SubmitAsync(new { command = new[] { "true" } });

        using var response = await Platform.Http.GetAsync(new Uri($"/jobs/{jobId}?asOf={asOf}", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(e => e.Name), Is.EqualTo(new[] { "asOf" }));
    }

    [Test]
    public async Task Should_hide_another_users_job_at_any_version()
    {
        var jobId = await SubmitAsync(new { command = new[] { "true" } });
        using var bob = Platform.ClientFor(RunningPlatform.BobKey);

        using var asOf = await bob.GetAsync(new Uri($"/jobs/{jobId}?asOf=1", UriKind.Relative));
        using var timeline = await bob.GetAsync(new Uri($"/jobs/{jobId}/timeline", UriKind.Relative));

        Assert.That(asOf.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(timeline.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Should_serve_the_timeline_with_every_transition()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "exit 4" } });
        await StateAsync(jobId, "Failed");

        var timeline = await Platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/timeline", UriKind.Relative));

        var entries = timeline.GetProperty("entries").EnumerateArray().ToList();
        Assert.That(timeline.GetProperty("jobId").GetGuid(), Is.EqualTo(jobId));
        Assert.That(timeline.GetProperty("source").GetString(), Is.AnyOf("projection", "replay"));
        Assert.That(entries.Select(e => e.GetProperty("event").GetString()), Is.EqualTo(new[] { "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobFailed" }));
        Assert.That(entries.Select(e => e.GetProperty("version").GetInt64()), Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));
        Assert.That(entries[^1].GetProperty("detail").GetString(), Does.Contain("4"));
    }

    private async Task<string?> StateAsOfAsync(Guid jobId, string asOf)
    {
        using var response = await Platform.Http.GetAsync(new Uri($"/jobs/{jobId}?asOf={Uri.EscapeDataString(asOf)}", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonDocument.Parse(body).RootElement.GetProperty("state").GetString();
    }
}

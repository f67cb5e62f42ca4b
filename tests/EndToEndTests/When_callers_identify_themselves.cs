using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventPlatform.EndToEndTests;

[TestFixture]
[NonParallelizable]
public sealed class When_callers_identify_themselves : PlatformFixture
{
    [TestCase(null, "Send your API key in the X-Api-Key header.")]
    [TestCase("no-such-key", "The X-Api-Key header names no known API key.")]
    public async Task Should_refuse_a_missing_or_unknown_key_with_401_and_store_nothing(string? apiKey, string detail)
    {
        using var anonymous = Platform.ClientFor(apiKey);

        using var submit = await anonymous.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), new { command = new[] { "true" } });
        using var read = await anonymous.GetAsync(new Uri($"/jobs/{Guid.CreateVersion7()}", UriKind.Relative));

        Assert.That(submit.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(submit.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), Is.EqualTo(detail));
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Should_answer_health_checks_without_a_key()
    {
        using var anonymous = Platform.ClientFor(apiKey: null);
        using var health = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Should_record_the_caller_as_the_jobs_user_and_hide_it_from_other_users()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sleep", "30" } });
        using var bob = Platform.ClientFor(RunningPlatform.BobKey);
        using var admin = Platform.ClientFor(RunningPlatform.AdminKey);

        var events = await Platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/events", UriKind.Relative));
        Assert.That(events[0].GetProperty("data").GetProperty("userId").GetString(), Is.EqualTo("alice"));

        foreach (var path in new[] { $"/jobs/{jobId}", $"/jobs/{jobId}/events" })
        {
            using var hidden = await bob.GetAsync(new Uri(path, UriKind.Relative));
            Assert.That(hidden.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), path);
        }

        using var bobCancels = await bob.PostAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), content: null);
        Assert.That(bobCancels.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await GetJobAsync(jobId)).GetProperty("cancelRequestedAt").ValueKind, Is.EqualTo(JsonValueKind.Null));

        using var seenByAdmin = await admin.GetAsync(new Uri($"/jobs/{jobId}", UriKind.Relative));
        Assert.That(seenByAdmin.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var adminCancels = await admin.PostAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), content: null);
        Assert.That(adminCancels.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await StateAsync(jobId, "Cancelled");
        var history = await Platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/events", UriKind.Relative));
        var requested = history.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "JobCancelRequested");
        Assert.That(requested.GetProperty("data").GetProperty("requestedBy").GetString(), Is.EqualTo("root"));
    }
}

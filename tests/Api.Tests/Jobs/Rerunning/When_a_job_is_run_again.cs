using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Api.Tests.Hosting;
using EventPlatform.Testing;

namespace EventPlatform.Api.Tests.Jobs.Rerunning;

/// <summary>POST /jobs/{id}/rerun: a new job with the same spec, linked both ways.</summary>
[TestFixture]
public sealed class When_a_job_is_run_again : ApiHost
{
    [Test]
    public async Task Should_submit_the_same_spec_as_a_new_job_linked_both_ways()
    {
        using var alice = ClientFor(AliceKey);
        var original = await SubmitAsync(alice, new { command = new[] { "echo", "again" }, priority = "high", timeoutSeconds = 42, labels = new { suite = "rerun" }, env = new { K = "V" } });
        await StateAsync(alice, original, "Succeeded");

        using var response = await alice.PostAsync(new Uri($"/jobs/{original}/rerun", UriKind.Relative), content: null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var rerun = body.GetProperty("jobId").GetGuid();
        Assert.That(rerun, Is.Not.EqualTo(original));
        Assert.That(body.GetProperty("rerunOf").GetGuid(), Is.EqualTo(original));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/jobs/{rerun}"));
        var job = await StateAsync(alice, rerun, "Succeeded");
        Assert.That(job.GetProperty("rerunOf").GetGuid(), Is.EqualTo(original));
        Assert.That(job.GetProperty("command").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[] { "echo", "again" }));
        Assert.That((job.GetProperty("priority").GetString(), job.GetProperty("timeoutSeconds").GetInt32()), Is.EqualTo(("high", 42)));
        Assert.That(job.GetProperty("labels").GetProperty("suite").GetString(), Is.EqualTo("rerun"));
        Assert.That(job.GetProperty("env").EnumerateObject().Select(e => e.Value.GetString()), Is.EqualTo(new[] { "V" }));

        var events = await alice.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{original}/events", UriKind.Relative));
        var named = events.EnumerateArray().Last();
        Assert.That(named.GetProperty("type").GetString(), Is.EqualTo("JobRerunSubmitted"));
        Assert.That(named.GetProperty("data").GetProperty("rerunJobId").GetGuid(), Is.EqualTo(rerun));
        var timeline = await Eventually.MatchAsync(
            () => alice.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{original}/timeline", UriKind.Relative)),
            t => t.GetProperty("entries").EnumerateArray().Any(e => e.GetProperty("event").GetString() == "JobRerunSubmitted"),
            TimeSpan.FromSeconds(30),
            "the original's timeline to name the run again");
        Assert.That(timeline.GetProperty("entries").EnumerateArray().Last().GetProperty("detail").GetString(), Is.EqualTo($"run again as {rerun} by alice"));
        var unchanged = await alice.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{original}", UriKind.Relative));
        Assert.That(unchanged.GetProperty("state").GetString(), Is.EqualTo("Succeeded"), "the original keeps its outcome");
        Assert.That(unchanged.GetProperty("rerunOf").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task Should_run_a_users_job_again_as_theirs_when_an_admin_asks()
    {
        using var bob = ClientFor(BobKey);
        using var admin = ClientFor(AdminKey);
        var original = await SubmitAsync(bob, new { command = new[] { "true" } });

        using var response = await admin.PostAsync(new Uri($"/jobs/{original}/rerun", UriKind.Relative), content: null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var rerun = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        var job = await bob.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{rerun}", UriKind.Relative));
        Assert.That(job.GetProperty("userId").GetString(), Is.EqualTo("bob"));
        var events = await bob.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{original}/events", UriKind.Relative));
        Assert.That(events.EnumerateArray().Last().GetProperty("data").GetProperty("requestedBy").GetString(), Is.EqualTo("root"));
    }

    [Test]
    public async Task Should_answer_404_for_another_users_job_or_an_unknown_one_and_store_nothing()
    {
        using var alice = ClientFor(AliceKey);
        using var bob = ClientFor(BobKey);
        var bobs = await SubmitAsync(bob, new { command = new[] { "true" } });
        var before = await CountAsync(alice);

        using var others = await alice.PostAsync(new Uri($"/jobs/{bobs}/rerun", UriKind.Relative), content: null);
        using var unknown = await alice.PostAsync(new Uri($"/jobs/{Guid.CreateVersion7()}/rerun", UriKind.Relative), content: null);

        Assert.That((await Problem.ReadAsync(others, HttpStatusCode.NotFound)).GetProperty("title").GetString(), Is.EqualTo("Job not found"));
        await Problem.ReadAsync(unknown, HttpStatusCode.NotFound);
        Assert.That(await CountAsync(alice), Is.EqualTo(before));
        var bobsEvents = await bob.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{bobs}/events", UriKind.Relative));
        Assert.That(bobsEvents.EnumerateArray().Select(e => e.GetProperty("type").GetString()), Has.None.EqualTo("JobRerunSubmitted"));
    }

    private static async Task<int> CountAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>(new Uri("/jobs?limit=500", UriKind.Relative))).GetProperty("items").GetArrayLength();
}

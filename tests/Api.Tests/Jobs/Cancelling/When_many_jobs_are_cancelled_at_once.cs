using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Api.Tests.Hosting;

namespace EventPlatform.Api.Tests.Jobs.Cancelling;

/// <summary>POST /jobs/cancel: by ids or by filter, bounded, idempotent, within the caller's jobs. Bob's jobs wait in line (his cap is 0).</summary>
[TestFixture]
public sealed class When_many_jobs_are_cancelled_at_once : ApiHost
{
    [Test]
    public async Task Should_cancel_the_waiting_jobs_a_filter_matches_and_only_those()
    {
        using var bob = ClientFor(BobKey);
        var team = Guid.NewGuid().ToString("N");
        var matching = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            matching.Add(await SubmitAsync(bob, new { command = new[] { "true" }, labels = new Dictionary<string, string> { ["team"] = team } }));
        }

        var other = await SubmitAsync(bob, new { command = new[] { "true" }, labels = new Dictionary<string, string> { ["team"] = "other" } });

        var body = await CancelAsync(bob, new { filter = new { state = "queued", label = new Dictionary<string, string> { ["team"] = team } }, reason = "bulk" });

        Assert.That(body.GetProperty("requested").GetInt32(), Is.EqualTo(3));
        Assert.That(body.GetProperty("jobIds").EnumerateArray().Select(j => j.GetGuid()), Is.EquivalentTo(matching));
        Assert.That(body.GetProperty("refused").GetArrayLength(), Is.Zero);
        Assert.That(body.GetProperty("more").GetBoolean(), Is.False);
        foreach (var id in matching)
        {
            await StateAsync(bob, id, "Cancelled");
        }

        var again = await CancelAsync(bob, new { jobIds = matching });
        Assert.That(again.GetProperty("requested").GetInt32(), Is.EqualTo(3), "a repeat is harmless");
        var events = await bob.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{matching[0]}/events", UriKind.Relative));
        Assert.That(events.EnumerateArray().Count(e => e.GetProperty("type").GetString() == "JobCancelled"), Is.EqualTo(1), "each job ends once");
        var untouched = await bob.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{other}", UriKind.Relative));
        Assert.That((untouched.GetProperty("state").GetString(), untouched.GetProperty("cancelRequestedAt").ValueKind), Is.EqualTo(("Queued", JsonValueKind.Null)));
    }

    [Test]
    public async Task Should_refuse_by_id_what_the_caller_may_not_see_or_what_already_ended()
    {
        using var alice = ClientFor(AliceKey);
        using var bob = ClientFor(BobKey);
        var ended = await SubmitAsync(alice, new { command = new[] { "true" } });
        await StateAsync(alice, ended, "Succeeded");
        var bobs = await SubmitAsync(bob, new { command = new[] { "true" } });
        var unknown = Guid.CreateVersion7();

        var body = await CancelAsync(alice, new { jobIds = new[] { ended, bobs, unknown } });

        Assert.That(body.GetProperty("requested").GetInt32(), Is.Zero);
        var refused = body.GetProperty("refused").EnumerateArray().ToDictionary(r => r.GetProperty("jobId").GetGuid(), r => r.GetProperty("reason").GetString());
        Assert.That(refused, Is.EquivalentTo(new Dictionary<Guid, string?>
        {
            [ended] = "already ended as Succeeded",
            [bobs] = "not found",
            [unknown] = "not found",
        }));
        var bobsJob = await bob.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{bobs}", UriKind.Relative));
        Assert.That(bobsJob.GetProperty("cancelRequestedAt").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [TestCase("""{"jobIds": [], "reason": "x"}""", "jobIds")]
    [TestCase("""{"reason": "x"}""", "body")]
    [TestCase("""{"filter": {"state": "queued"}, "jobIds": ["01a2044a-b608-73b9-9137-44e39e1e63d4"]}""", "body")]
    [TestCase("""{"filter": {"colour": "red"}}""", "filter.colour")]
    [TestCase("""{"filter": {"state": "sleeping"}}""", "filter.state")]
    [TestCase("""{"filter": {"submittedBefore": "yesterday"}}""", "filter.submittedBefore")]
    [TestCase("""{"filter": {}, "force": true}""", "force")]
    [TestCase("""{"jobIds": ["not-an-id"]}""", "jobIds")]
    public async Task Should_refuse_a_body_it_cannot_follow(string body, string field)
    {
        using var alice = ClientFor(AliceKey);

        using var response = await alice.PostAsync(new Uri("/jobs/cancel", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task Should_refuse_too_many_ids_and_another_users_filter()
    {
        using var alice = ClientFor(AliceKey);

        using var tooMany = await alice.PostAsJsonAsync(new Uri("/jobs/cancel", UriKind.Relative), new { jobIds = Enumerable.Range(0, 201).Select(_ => Guid.CreateVersion7()) });
        using var others = await alice.PostAsJsonAsync(new Uri("/jobs/cancel", UriKind.Relative), new { filter = new { user = "bob" } });

        Assert.That((await Problem.ReadAsync(tooMany, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("jobIds")[0].GetString(), Does.Contain("1 to 200"));
        await Problem.ReadAsync(others, HttpStatusCode.Forbidden);
    }

    private static async Task<JsonElement> CancelAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/jobs/cancel", UriKind.Relative), body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

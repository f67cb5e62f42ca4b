using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using EventPlatform.Api.Tests.Hosting;

namespace EventPlatform.Api.Tests.Jobs.Following;

/// <summary>GET /jobs/events: the caller's job changes as Server-Sent Events, resumable by Last-Event-ID.</summary>
[TestFixture]
public sealed class When_following_job_changes : ApiHost
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Should_stream_the_callers_own_job_changes_with_the_stores_sequence_as_ids()
    {
        using var alice = ClientFor(AliceKey);
        using var bob = ClientFor(BobKey);
        await using var stream = await OpenAsync(alice, "/jobs/events");

        var bobs = await SubmitAsync(bob, new { command = new[] { "true" } });
        var alices = await SubmitAsync(alice, new { command = new[] { "true" } });
        var seen = await stream.ReadUntilAsync(change => change.JobId == alices && change.State == "Succeeded");

        Assert.That(seen.Select(c => c.JobId), Has.None.EqualTo(bobs), "bob's job is not alice's to see");
        var hers = seen.Where(c => c.JobId == alices).ToList();
        Assert.That(hers.Select(c => c.Type), Is.EqualTo(new[] { "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobSucceeded" }));
        Assert.That(hers.Select(c => c.State), Is.EqualTo(new[] { "Queued", "Queued", "Starting", "Running", "Succeeded" }));
        Assert.That(hers.Select(c => c.Version), Is.EqualTo(new long[] { 1, 2, 3, 4, 5 }));
        Assert.That(seen.Select(c => c.Id), Is.Ordered.Ascending.And.Unique);
        Assert.That(seen.Select(c => c.Id), Is.EqualTo(seen.Select(c => c.Sequence)), "the SSE id is the event's sequence in the store");
    }

    [Test]
    public async Task Should_show_an_admin_everyones_changes_filtered_by_job_and_state()
    {
        using var bob = ClientFor(BobKey);
        using var admin = ClientFor(AdminKey);
        var bobs = await SubmitAsync(bob, new { command = new[] { "true" } });
        await using var stream = await OpenAsync(admin, $"/jobs/events?jobId={bobs}&state=cancelled");

        using var cancel = await admin.PostAsync(new Uri($"/jobs/{bobs}/cancel", UriKind.Relative), content: null);
        var seen = await stream.ReadUntilAsync(change => change.State == "Cancelled");

        Assert.That(seen.Select(c => (c.JobId, c.Type, c.UserId)), Is.EqualTo(new[] { (bobs, "JobCancelled", "bob") }), "the cancel request sets no state");
    }

    [Test]
    public async Task Should_resume_after_a_dropped_connection_with_nothing_lost_or_repeated()
    {
        using var alice = ClientFor(AliceKey);
        var label = Guid.NewGuid().ToString("N");
        var path = $"/jobs/events?label=run:{label}";
        var job = new { command = new[] { "true" }, labels = new Dictionary<string, string> { ["run"] = label } };
        List<Change> before;
        Guid first;
        await using (var stream = await OpenAsync(alice, path))
        {
            first = await SubmitAsync(alice, job);
            before = await stream.ReadUntilAsync(change => change.JobId == first && change.Type == "JobLaunchRequested");
        }

        // While no one listens: the rest of the first job, and a second job.
        var second = await SubmitAsync(alice, job);
        await StateAsync(alice, first, "Succeeded");
        await StateAsync(alice, second, "Succeeded");
        await using var resumed = await OpenAsync(alice, path, lastEventId: before[^1].Id);
        var after = await resumed.ReadUntilAsync(change => change.JobId == second && change.State == "Succeeded");

        var all = before.Concat(after).ToList();
        Assert.That(all.Select(c => c.Id), Is.Unique.And.Ordered.Ascending, "nothing repeated");
        foreach (var jobId in new[] { first, second })
        {
            var stored = await alice.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/events", UriKind.Relative));
            Assert.That(
                all.Where(c => c.JobId == jobId).Select(c => c.Version),
                Is.EqualTo(stored.EnumerateArray().Select(e => e.GetProperty("version").GetInt64())),
                $"every event of {jobId}, none lost");
        }
    }

    [TestCase("/jobs/events?foo=1", "foo")]
    [TestCase("/jobs/events?jobId=not-a-job", "jobId")]
    [TestCase("/jobs/events?state=Sleeping", "state")]
    [TestCase("/jobs/events?label=nocolon", "label")]
    [TestCase("/jobs/events?lastEventId=-1", "lastEventId")]
    public async Task Should_refuse_a_query_it_cannot_follow(string path, string field)
    {
        using var alice = ClientFor(AliceKey);

        using var response = await alice.GetAsync(new Uri(path, UriKind.Relative));

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task Should_refuse_a_last_event_id_header_that_is_no_id()
    {
        using var alice = ClientFor(AliceKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/jobs/events", UriKind.Relative));
        request.Headers.Add("Last-Event-ID", "yesterday");

        using var response = await alice.SendAsync(request);

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("lastEventId", out _), Is.True);
    }

    private static async Task<EventStream> OpenAsync(HttpClient client, string path, long? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        return new EventStream(request, response, await response.Content.ReadAsStreamAsync());
    }

    internal sealed record Change(long Id, long Sequence, Guid JobId, long Version, string Type, string? State, string UserId);

    private sealed class EventStream(HttpRequestMessage request, HttpResponseMessage response, Stream body) : IAsyncDisposable
    {
        private readonly IAsyncEnumerator<SseItem<string>> items = SseParser.Create(body).EnumerateAsync().GetAsyncEnumerator();

        /// <summary>Every job event up to and including the first that <paramref name="last"/> accepts.</summary>
        public async Task<List<Change>> ReadUntilAsync(Func<Change, bool> last)
        {
            using var timeout = new CancellationTokenSource(Patience);
            var changes = new List<Change>();
            while (true)
            {
                var next = items.MoveNextAsync().AsTask();
                if (await Task.WhenAny(next, Task.Delay(Timeout.Infinite, timeout.Token)) != next || !await next)
                {
                    Assert.Fail($"the stream ended or stalled; it had sent {string.Join(", ", changes)}");
                }

                if (items.Current.EventType != "job")
                {
                    continue;
                }

                var data = JsonDocument.Parse(items.Current.Data).RootElement;
                var change = new Change(
                    long.Parse(items.Current.EventId!, System.Globalization.CultureInfo.InvariantCulture),
                    data.GetProperty("sequence").GetInt64(),
                    data.GetProperty("jobId").GetGuid(),
                    data.GetProperty("version").GetInt64(),
                    data.GetProperty("type").GetString()!,
                    data.GetProperty("state").GetString(),
                    data.GetProperty("userId").GetString()!);
                changes.Add(change);
                if (last(change))
                {
                    return changes;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await items.DisposeAsync();
            await body.DisposeAsync();
            response.Dispose();
            request.Dispose();
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventPlatform.EndToEndTests;

[TestFixture]
[NonParallelizable]
public sealed class When_jobs_wait_for_capacity : PlatformFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Admission__MaxRunning"] = "2",
        ["Admission__MaxRunningPerUser"] = "1",
        ["Admission__MaxQueuedPerUser"] = "2",
    };

    [Test]
    public async Task Should_say_what_a_waiting_job_waits_for_and_refuse_a_line_that_is_too_long()
    {
        using var bob = Platform.ClientFor(RunningPlatform.BobKey);
        using var admin = Platform.ClientFor(RunningPlatform.AdminKey);
        var alicesFirst = await SubmitAsync(new { command = new[] { "sleep", "60" } });
        await StateAsync(alicesFirst, "Running");
        var alicesSecond = await SubmitAsync(new { command = new[] { "sleep", "60" } });
        var bobsFirst = await SubmitAsAsync(bob, new { command = new[] { "sleep", "60" } });
        await StateAsAsync(admin, bobsFirst, "Running");
        var adminsFirst = await SubmitAsAsync(admin, new { command = new[] { "true" } });

        var waitingForAlice = await GetJobAsync(alicesSecond);
        var waitingForAll = await admin.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{adminsFirst}", UriKind.Relative));
        Assert.That(waitingForAlice.GetProperty("state").GetString(), Is.EqualTo("Queued"));
        Assert.That(waitingForAlice.GetProperty("waitingFor").GetString(), Is.EqualTo("global-capacity"));
        Assert.That(waitingForAll.GetProperty("waitingFor").GetString(), Is.EqualTo("global-capacity"));

        using (var cancel = await bob.PostAsync(new Uri($"/jobs/{bobsFirst}/cancel", UriKind.Relative), content: null))
        {
            Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }

        // Bob's slot is free: alice is at her own cap, so the admin's job takes it and alice's keeps waiting, now for her.
        await StateAsAsync(admin, adminsFirst, "Succeeded");
        Assert.That((await GetJobAsync(alicesSecond)).GetProperty("waitingFor").GetString(), Is.EqualTo("user-capacity"));

        var alicesThird = await SubmitAsync(new { command = new[] { "true" } });
        using var refused = await Platform.Http.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), new { command = new[] { "true" } });
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("detail").GetString(), Does.StartWith("You have 2 jobs waiting for a slot; the limit is 2."));
        Assert.That(problem.TryGetProperty("jobId", out _), Is.False, "nothing was stored");
        Assert.That((await GetJobAsync(alicesThird)).GetProperty("state").GetString(), Is.EqualTo("Queued"));
    }

    /// <summary>Alice cannot see other users' jobs; the admin can.</summary>
    private static Task<JsonElement> StateAsAsync(HttpClient client, Guid jobId, string state) => EventPlatform.Testing.Eventually.MatchAsync(
        () => client.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}", UriKind.Relative)),
        job => job.GetProperty("state").GetString() == state,
        TimeSpan.FromSeconds(60),
        $"job {jobId} to be {state}");

    private static async Task<Guid> SubmitAsAsync(HttpClient client, object job)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), job);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
    }
}

[TestFixture]
[NonParallelizable]
public sealed class When_submissions_come_too_fast : PlatformFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RateLimits__Submissions__Burst"] = "5",
        ["RateLimits__Submissions__PerSecond"] = "1",
    };

    [Test]
    public async Task Should_refuse_the_burst_past_the_bucket_with_429_and_leave_other_users_alone()
    {
        // Sent at once, so the burst reaches the bucket within a moment even on a busy machine.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var responses = (await Task.WhenAll(Enumerable.Range(0, 9).Select(_ =>
            Platform.Http.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), new { command = new[] { "true" } })))).ToList();

        // The bucket refills one token a second while the burst is sent: a slow machine sends it over more seconds.
        var refills = (int)Math.Ceiling(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);

        using var bob = Platform.ClientFor(RunningPlatform.BobKey);
        using var bobs = await bob.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), new { command = new[] { "true" } });

        var accepted = responses.Count(r => r.StatusCode == HttpStatusCode.Accepted);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.That(accepted, Is.InRange(5, 5 + refills), "the bucket holds 5 and refills one a second");
        Assert.That(accepted, Is.LessThan(9), "the burst outran the bucket");
        Assert.That(refused, Has.Count.EqualTo(9 - accepted));
        foreach (var response in refused)
        {
            Assert.That(response.Headers.RetryAfter?.Delta, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("Too many submissions"));
        }

        Assert.That(bobs.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "bob has a bucket of his own");
        responses.ForEach(r => r.Dispose());
    }
}

[TestFixture]
[NonParallelizable]
public sealed class When_a_submission_is_repeated : PlatformFixture
{
    [Test]
    public async Task Should_create_one_job_for_fifty_racing_copies_with_one_key()
    {
        var key = $"order-{Guid.NewGuid():N}";
        var copies = Enumerable.Range(0, 50).Select(_ => SubmitWithKeyAsync(Platform.Http, key, new { command = new[] { "true" }, env = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" } }));

        var results = await Task.WhenAll(copies);

        Assert.That(results.Select(r => r.Status), Is.All.EqualTo(HttpStatusCode.Accepted));
        Assert.That(results.Select(r => r.JobId).Distinct().Count(), Is.EqualTo(1), "every copy names the same job");
        var jobId = results[0].JobId!.Value;
        await StateAsync(jobId, "Succeeded");
        var types = await EventTypesAsync(jobId);
        Assert.That(types.Count(t => t == "JobSubmitted"), Is.EqualTo(1));
        Assert.That(types.Count(t => t == "JobLaunchRequested"), Is.EqualTo(1), "the job ran once");

        var reordered = await SubmitWithKeyAsync(Platform.Http, key, new { env = new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" }, command = new[] { "true" } });
        Assert.That(reordered.JobId, Is.EqualTo(jobId), "the same request, written differently, is the same job");
    }

    [Test]
    public async Task Should_refuse_the_same_key_for_a_different_job_and_keep_keys_apart_between_users()
    {
        var key = $"nightly-{Guid.NewGuid():N}";
        var first = await SubmitWithKeyAsync(Platform.Http, key, new { command = new[] { "true" } });
        var different = await SubmitWithKeyAsync(Platform.Http, key, new { command = new[] { "false" } });
        using var bob = Platform.ClientFor(RunningPlatform.BobKey);
        var bobs = await SubmitWithKeyAsync(bob, key, new { command = new[] { "true" } });

        Assert.That(first.Status, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(different.Status, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(different.Problem, Does.Contain("already used for a different job"));
        Assert.That(bobs.Status, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(bobs.JobId, Is.Not.EqualTo(first.JobId));
    }

    private static async Task<(HttpStatusCode Status, Guid? JobId, string? Problem)> SubmitWithKeyAsync(HttpClient client, string key, object job)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/jobs", UriKind.Relative)) { Content = JsonContent.Create(job) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.StatusCode == HttpStatusCode.Accepted
            ? (response.StatusCode, body.GetProperty("jobId").GetGuid(), null)
            : (response.StatusCode, null, body.GetProperty("detail").GetString());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace EventPlatform.Api.Tests.Hosting;

/// <summary>Every error is application/problem+json with a requestId that the X-Request-Id header repeats.</summary>
[TestFixture]
public sealed class When_a_request_goes_wrong : ApiHost
{
    [Test]
    public async Task Should_answer_an_invalid_job_with_400_naming_each_bad_field()
    {
        using var alice = ClientFor(AliceKey);

        using var response = await alice.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), new { command = Array.Empty<string>(), priority = "urgent" });

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(e => e.Name), Is.EquivalentTo(new[] { "command", "priority" }));
    }

    [Test]
    public async Task Should_answer_malformed_json_with_400()
    {
        using var alice = ClientFor(AliceKey);

        using var response = await alice.PostAsync(new Uri("/jobs", UriKind.Relative), new StringContent("{\"command\": [\"true\"", Encoding.UTF8, "application/json"));

        var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").ToString(), Does.Contain("not valid JSON"));
    }

    [Test]
    public async Task Should_answer_a_body_that_is_not_json_with_415()
    {
        using var alice = ClientFor(AliceKey);

        using var submit = await alice.PostAsync(new Uri("/jobs", UriKind.Relative), new StringContent("command=true", Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var cancel = await alice.PostAsync(new Uri($"/jobs/{Guid.CreateVersion7()}/cancel", UriKind.Relative), new StringContent("because", Encoding.UTF8, "text/plain"));

        var problem = await Problem.ReadAsync(submit, HttpStatusCode.UnsupportedMediaType);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("application/json").And.Contain("application/x-www-form-urlencoded"));
        await Problem.ReadAsync(cancel, HttpStatusCode.UnsupportedMediaType);
    }

    [TestCase(null, "Send your API key in the X-Api-Key header.")]
    [TestCase("not-a-key", "The X-Api-Key header names no known API key.")]
    public async Task Should_answer_a_missing_or_unknown_key_with_401(string? apiKey, string detail)
    {
        using var caller = ClientFor(apiKey);

        using var response = await caller.GetAsync(new Uri("/jobs", UriKind.Relative));

        var problem = await Problem.ReadAsync(response, HttpStatusCode.Unauthorized);
        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo(detail));
    }

    [Test]
    public async Task Should_answer_403_to_a_user_who_asks_for_admin_things()
    {
        using var alice = ClientFor(AliceKey);

        using var othersJobs = await alice.GetAsync(new Uri("/jobs?user=bob", UriKind.Relative));
        using var deadLetters = await alice.GetAsync(new Uri("/admin/dead-letters", UriKind.Relative));

        Assert.That((await Problem.ReadAsync(othersJobs, HttpStatusCode.Forbidden)).GetProperty("detail").GetString(), Does.StartWith("user:"));
        await Problem.ReadAsync(deadLetters, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Should_answer_an_unknown_job_and_an_unknown_route_with_404()
    {
        using var alice = ClientFor(AliceKey);
        var unknown = Guid.CreateVersion7();

        using var job = await alice.GetAsync(new Uri($"/jobs/{unknown}", UriKind.Relative));
        using var route = await alice.GetAsync(new Uri("/no/such/thing", UriKind.Relative));

        Assert.That((await Problem.ReadAsync(job, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), Is.EqualTo($"There is no job {unknown}."));
        Assert.That((await Problem.ReadAsync(route, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), Does.Contain("/no/such/thing"));
    }

    [Test]
    public async Task Should_answer_a_method_the_route_does_not_take_with_405()
    {
        using var alice = ClientFor(AliceKey);

        using var response = await alice.DeleteAsync(new Uri("/jobs", UriKind.Relative));

        var problem = await Problem.ReadAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("DELETE is not allowed on /jobs."));
        Assert.That(response.Content.Headers.Allow, Is.SupersetOf(new[] { "GET", "POST" }));
    }

    [Test]
    public async Task Should_answer_409_to_cancelling_a_job_that_succeeded_and_to_a_reused_idempotency_key()
    {
        using var alice = ClientFor(AliceKey);
        var jobId = await SubmitAsync(alice, new { command = new[] { "true" } });
        await StateAsync(alice, jobId, "Succeeded");

        using var cancel = await alice.PostAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), content: null);
        var key = Guid.NewGuid().ToString();
        using var first = await SubmitWithKeyAsync(alice, key, "true");
        using var second = await SubmitWithKeyAsync(alice, key, "false");

        Assert.That((await Problem.ReadAsync(cancel, HttpStatusCode.Conflict)).GetProperty("detail").GetString(), Does.Contain("already ended as Succeeded"));
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That((await Problem.ReadAsync(second, HttpStatusCode.Conflict)).GetProperty("title").GetString(), Is.EqualTo("Idempotency key reused"));
    }

    [Test]
    public async Task Should_answer_a_bad_query_value_with_400()
    {
        using var alice = ClientFor(AliceKey);

        using var list = await alice.GetAsync(new Uri("/jobs?limit=0", UriKind.Relative));
        using var logs = await alice.GetAsync(new Uri($"/jobs/{Guid.CreateVersion7()}/logs?attempt=first", UriKind.Relative));

        Assert.That((await Problem.ReadAsync(list, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("limit", out _), Is.True);
        await Problem.ReadAsync(logs, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Should_keep_a_request_id_the_caller_sent()
    {
        using var alice = ClientFor(AliceKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/jobs/{Guid.CreateVersion7()}", UriKind.Relative));
        request.Headers.Add("X-Request-Id", "trace-4711");

        using var response = await alice.SendAsync(request);

        Assert.That((await Problem.ReadAsync(response, HttpStatusCode.NotFound)).GetProperty("requestId").GetString(), Is.EqualTo("trace-4711"));
    }

    private static Task<HttpResponseMessage> SubmitWithKeyAsync(HttpClient client, string key, string program)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/jobs", UriKind.Relative)) { Content = JsonContent.Create(new { command = new[] { program } }) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }
}

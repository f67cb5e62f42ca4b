using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventPlatform.EndToEndTests;

[TestFixture]
[NonParallelizable]
public sealed class When_jobs_are_listed : PlatformFixture
{
    [Test]
    public async Task Should_filter_by_state_priority_label_command_text_and_creation_time()
    {
        var suite = Tag();
        var apple = await SubmitAsync(new { command = new[] { "sh", "-c", "echo apple" }, priority = "high", labels = new Dictionary<string, string> { ["suite"] = suite, ["color"] = "red" } });
        var failing = await SubmitAsync(new { command = new[] { "sh", "-c", "exit 3" }, priority = "low", labels = new Dictionary<string, string> { ["suite"] = suite } });
        var banana = await SubmitAsync(new { command = new[] { "sh", "-c", "echo banana" }, labels = new Dictionary<string, string> { ["suite"] = suite, ["color"] = "red" } });
        await FinalStateAsync(apple);
        await FinalStateAsync(failing);
        await FinalStateAsync(banana);
        var failingCreatedAt = (await GetJobAsync(failing)).GetProperty("createdAt").GetString()!;

        Assert.That(await ListAsync($"label=suite:{suite}"), Is.EqualTo(new[] { banana, failing, apple }));
        Assert.That(await ListAsync($"label=suite:{suite}&state=failed"), Is.EqualTo(new[] { failing }));
        Assert.That(await ListAsync($"label=suite:{suite}&state=Succeeded"), Is.EqualTo(new[] { banana, apple }));
        Assert.That(await ListAsync($"label=suite:{suite}&priority=high"), Is.EqualTo(new[] { apple }));
        Assert.That(await ListAsync($"label=suite:{suite}&q=BANANA"), Is.EqualTo(new[] { banana }));
        Assert.That(await ListAsync($"label=suite:{suite}&label=color:red"), Is.EqualTo(new[] { banana, apple }));
        Assert.That(await ListAsync($"label=suite:{suite}&since={Uri.EscapeDataString(failingCreatedAt)}"), Is.EqualTo(new[] { banana, failing }));
        Assert.That(await ListAsync($"label=suite:{suite}&until={Uri.EscapeDataString(failingCreatedAt)}"), Is.EqualTo(new[] { apple }));
    }

    [Test]
    public async Task Should_show_each_item_with_its_owner_labels_and_spec()
    {
        var suite = Tag();
        var jobId = await SubmitAsync(new { command = new[] { "true" }, priority = "low", labels = new Dictionary<string, string> { ["suite"] = suite } });
        await FinalStateAsync(jobId);

        var page = await PageAsync(Platform.Http, $"label=suite:{suite}");

        var item = page.GetProperty("items").EnumerateArray().Single();
        Assert.That(item.GetProperty("jobId").GetGuid(), Is.EqualTo(jobId));
        Assert.That(item.GetProperty("userId").GetString(), Is.EqualTo("alice"));
        Assert.That(item.GetProperty("state").GetString(), Is.EqualTo("Succeeded"));
        Assert.That(item.GetProperty("priority").GetString(), Is.EqualTo("low"));
        Assert.That(item.GetProperty("command").EnumerateArray().Select(c => c.GetString()), Is.EqualTo(new[] { "true" }));
        Assert.That(item.GetProperty("labels").GetProperty("suite").GetString(), Is.EqualTo(suite));
        Assert.That(page.GetProperty("nextCursor").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task Should_show_users_only_their_own_jobs_and_an_admin_everyones()
    {
        var suite = Tag();
        var labels = new Dictionary<string, string> { ["suite"] = suite };
        var alices = await SubmitAsync(new { command = new[] { "true" }, labels });
        using var bob = Platform.ClientFor(RunningPlatform.BobKey);
        using var admin = Platform.ClientFor(RunningPlatform.AdminKey);
        using var submitted = await bob.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), new { command = new[] { "true" }, labels });
        var bobs = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();

        Assert.That(await ListAsync($"label=suite:{suite}"), Is.EqualTo(new[] { alices }));
        Assert.That(await ListAsync($"label=suite:{suite}", bob), Is.EqualTo(new[] { bobs }));
        Assert.That(await ListAsync($"label=suite:{suite}", admin), Is.EqualTo(new[] { bobs, alices }));
        Assert.That(await ListAsync($"label=suite:{suite}&user=bob", admin), Is.EqualTo(new[] { bobs }));
        Assert.That(await ListAsync($"label=suite:{suite}&user=alice"), Is.EqualTo(new[] { alices }));

        using var forbidden = await Platform.Http.GetAsync(new Uri($"/jobs?label=suite:{suite}&user=bob", UriKind.Relative));
        Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await forbidden.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), Does.StartWith("user:"));
    }

    [Test]
    public async Task Should_page_without_duplicates_or_gaps_while_new_jobs_arrive()
    {
        var suite = Tag();
        var labels = new Dictionary<string, string> { ["suite"] = suite };
        List<Guid> existing = [];
        for (var i = 0; i < 5; i++)
        {
            existing.Add(await SubmitAsync(new { command = new[] { "true" }, labels }));
        }

        existing.Reverse();
        List<Guid> seen = [];
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await PageAsync(Platform.Http, $"label=suite:{suite}&limit=2{(cursor is null ? string.Empty : $"&cursor={cursor}")}");
            pages++;
            var items = page.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("jobId").GetGuid()).ToList();
            Assert.That(items, Has.Count.InRange(1, 2));
            seen.AddRange(items);
            cursor = page.GetProperty("nextCursor").GetString();

            // Newer jobs sort above the cursor: they never push an older one into the next page.
            await SubmitAsync(new { command = new[] { "true" }, labels });
        }
        while (cursor is not null);

        Assert.That(pages, Is.EqualTo(3));
        Assert.That(seen, Is.EqualTo(existing));
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=501", "limit")]
    [TestCase("limit=ten", "limit")]
    [TestCase("state=sleeping", "state")]
    [TestCase("priority=urgent", "priority")]
    [TestCase("since=yesterday", "since")]
    [TestCase("until=2026-13-01", "until")]
    [TestCase("cursor=not-a-cursor", "cursor")]
    [TestCase("cursor=bm90LWEtY3Vyc29y", "cursor")]
    [TestCase("label=team", "label")]
    public async Task Should_reject_a_bad_parameter_with_a_problem_naming_it(string query, string parameter)
    {
        using var response = await Platform.Http.GetAsync(new Uri($"/jobs?{query}", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(e => e.Name), Is.EqualTo(new[] { parameter }));
    }

    [Test]
    public async Task Should_reject_labels_that_cannot_be_filtered_on()
    {
        using var response = await Platform.Http.PostAsJsonAsync(
            new Uri("/jobs", UriKind.Relative),
            new { command = new[] { "true" }, labels = new Dictionary<string, string> { ["a:b"] = "c" } });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(e => e.Name), Is.EqualTo(new[] { "labels" }));
    }

    [Test]
    public async Task Should_list_and_show_history_through_the_ep_cli()
    {
        var suite = Tag();
        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "echo cli" }, labels = new Dictionary<string, string> { ["suite"] = suite } });
        await StateAsync(jobId, "Succeeded");

        var table = await EpCli.RunAsync(Platform.BaseAddress, RunningPlatform.AliceKey, "list", "--label", $"suite:{suite}", "--state", "succeeded");
        Assert.That(table.ExitCode, Is.Zero, table.Error);
        var lines = table.Output.TrimEnd().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[0], Does.StartWith("ID").And.Contain("STATE").And.Contain("COMMAND"));
        Assert.That(lines[1], Does.StartWith(jobId.ToString()).And.Contain("Succeeded").And.Contain("alice").And.Contain($"suite:{suite}").And.EndWith("sh -c echo cli"));

        var json = await EpCli.RunAsync(Platform.BaseAddress, RunningPlatform.AliceKey, "list", "--label", $"suite:{suite}", "--output", "json");
        Assert.That(json.ExitCode, Is.Zero, json.Error);
        var items = JsonDocument.Parse(json.Output).RootElement.GetProperty("items").EnumerateArray();
        Assert.That(items.Select(j => j.GetProperty("jobId").GetGuid()), Is.EqualTo(new[] { jobId }));

        var history = await EpCli.RunAsync(Platform.BaseAddress, RunningPlatform.AliceKey, "history", jobId.ToString());
        Assert.That(history.ExitCode, Is.Zero, history.Error);
        var rows = history.Output.TrimEnd().Split('\n');
        Assert.That(rows[0], Does.StartWith("VERSION").And.Contain("EVENT").And.Contain("DETAIL"));
        Assert.That(
            rows.Skip(1).Select(r => r.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[2]),
            Is.EqualTo(new[] { "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobSucceeded" }));
        Assert.That(rows[1], Does.StartWith("1 ").And.Contain("normal priority, by alice").IgnoreCase);
        Assert.That(rows[^1], Does.Contain("exit code 0"));

        var bad = await EpCli.RunAsync(Platform.BaseAddress, RunningPlatform.AliceKey, "list", "--limit", "0");
        Assert.That(bad.ExitCode, Is.EqualTo(1));
        Assert.That(bad.Error.Trim(), Does.StartWith("ep: 400 BadRequest: limit must be"));
    }

    private static string Tag() => Guid.NewGuid().ToString("N");

    private async Task<IReadOnlyList<Guid>> ListAsync(string query, HttpClient? client = null)
    {
        var page = await PageAsync(client ?? Platform.Http, query);
        return [.. page.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("jobId").GetGuid())];
    }

    private static async Task<JsonElement> PageAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync(new Uri($"/jobs?{query}", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonDocument.Parse(body).RootElement;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Testing;
using Npgsql;

namespace EventPlatform.EndToEndTests;

[TestFixture]
[NonParallelizable]
public sealed class When_the_read_side_is_audited_and_rebuilt : PlatformFixture
{
    [Test]
    public async Task Should_catch_a_corrupted_status_with_ep_audit_verify_and_restore_it_with_ep_admin_rebuild()
    {
        var jobId = await SubmitAsync(new { command = new[] { "true" } });
        await StateAsync(jobId, "Succeeded");
        var clean = await EpAsync(RunningPlatform.AdminKey, "audit", "verify");
        Assert.That(clean.ExitCode, Is.Zero, clean.Error);
        Assert.That(clean.Output, Does.Contain("0 mismatched"));

        await using (var connection = new NpgsqlConnection(Platform.ConnectionString))
        {
            await connection.OpenAsync();
            await using var corrupt = new NpgsqlCommand(
                "update eventplatform.mt_doc_jobstatusview set data = jsonb_set(data, '{State}', '\"Failed\"') where id = @id", connection);
            corrupt.Parameters.AddWithValue("id", jobId);
            Assert.That(await corrupt.ExecuteNonQueryAsync(), Is.EqualTo(1));
        }

        Assert.That((await GetJobAsync(jobId)).GetProperty("state").GetString(), Is.EqualTo("Failed"));
        var caught = await EpAsync(RunningPlatform.AdminKey, "audit", "verify");
        Assert.That(caught.ExitCode, Is.EqualTo(1));
        var row = caught.Output.Split('\n').Single(l => l.StartsWith(jobId.ToString(), StringComparison.Ordinal));
        Assert.That(row.Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { jobId.ToString(), "state", "Failed", "Succeeded" }));

        var rebuilt = await EpAsync(RunningPlatform.AdminKey, "admin", "rebuild", "JobStatus");
        Assert.That(rebuilt.ExitCode, Is.Zero, rebuilt.Error);
        Assert.That(rebuilt.Output, Does.Match(@"JobStatus\s+\d+\s+\d+ ms"));
        Assert.That((await GetJobAsync(jobId)).GetProperty("state").GetString(), Is.EqualTo("Succeeded"));
        var again = await EpAsync(RunningPlatform.AdminKey, "audit", "verify");
        Assert.That(again.ExitCode, Is.Zero, again.Output);
    }

    [Test]
    public async Task Should_rebuild_every_projection_through_the_admin_endpoint()
    {
        using var admin = Platform.ClientFor(RunningPlatform.AdminKey);

        using var all = await admin.PostAsync(new Uri("/admin/projections/all/rebuild", UriKind.Relative), content: null);
        Assert.That(all.StatusCode, Is.EqualTo(HttpStatusCode.OK), await all.Content.ReadAsStringAsync());
        var results = (await all.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
        Assert.That(results.Select(r => r.GetProperty("projection").GetString()), Is.EqualTo(new[] { "JobStatus", "JobTimeline", "UserJobStats", "QueueStats" }));
        Assert.That(results.Select(r => r.GetProperty("elapsedMs").GetInt64()), Is.All.GreaterThanOrEqualTo(0));

        using var unknown = await admin.PostAsync(new Uri("/admin/projections/Nope/rebuild", UriKind.Relative), content: null);
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(unknown.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), Does.Contain("Nope"));
    }

    [Test]
    public async Task Should_refuse_the_admin_endpoints_to_a_key_that_is_not_an_admins()
    {
        using var rebuild = await Platform.Http.PostAsync(new Uri("/admin/projections/JobStatus/rebuild", UriKind.Relative), content: null);
        using var verify = await Platform.Http.PostAsync(new Uri("/admin/audit/verify", UriKind.Relative), content: null);
        var cli = await EpAsync(RunningPlatform.AliceKey, "audit", "verify");

        Assert.That(rebuild.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(verify.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(cli.ExitCode, Is.EqualTo(1));
        Assert.That(cli.Error, Does.Contain("403"));
    }

    [Test]
    public async Task Should_show_users_their_own_figures_and_admins_anyones()
    {
        var ok = await SubmitAsync(new { command = new[] { "true" } });
        var failing = await SubmitAsync(new { command = new[] { "sh", "-c", "exit 3" } });
        await StateAsync(ok, "Succeeded");
        await StateAsync(failing, "Failed");
        using var bob = Platform.ClientFor(RunningPlatform.BobKey);
        using var admin = Platform.ClientFor(RunningPlatform.AdminKey);

        var mine = await Eventually.MatchAsync(
            () => Platform.Http.GetFromJsonAsync<JsonElement>(new Uri("/stats/users/me", UriKind.Relative)),
            s => s.GetProperty("jobs").GetProperty("failed").GetInt32() >= 1 && s.GetProperty("jobs").GetProperty("succeeded").GetInt32() >= 1,
            TimeSpan.FromSeconds(60),
            "alice's figures to count her ended jobs");
        Assert.That(mine.GetProperty("user").GetString(), Is.EqualTo("alice"));
        Assert.That(mine.GetProperty("runDurations").GetProperty("count").GetInt64(), Is.GreaterThanOrEqualTo(2));
        Assert.That(mine.GetProperty("runDurations").GetProperty("p50Seconds").GetDouble(), Is.GreaterThan(0));

        var seenByAdmin = await admin.GetFromJsonAsync<JsonElement>(new Uri("/stats/users/alice", UriKind.Relative));
        Assert.That(seenByAdmin.GetProperty("jobs").GetProperty("failed").GetInt32(), Is.GreaterThanOrEqualTo(1));
        var everyone = await admin.GetFromJsonAsync<JsonElement>(new Uri("/stats/users", UriKind.Relative));
        Assert.That(everyone.EnumerateArray().Select(u => u.GetProperty("user").GetString()), Does.Contain("alice"));

        using var bobReadsAlice = await bob.GetAsync(new Uri("/stats/users/alice", UriKind.Relative));
        using var bobReadsAll = await bob.GetAsync(new Uri("/stats/users", UriKind.Relative));
        Assert.That(bobReadsAlice.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await bobReadsAlice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), Does.StartWith("user:"));
        Assert.That(bobReadsAll.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var bobs = await bob.GetFromJsonAsync<JsonElement>(new Uri("/stats/users/me", UriKind.Relative));
        Assert.That(bobs.GetProperty("jobs").GetProperty("failed").GetInt32(), Is.Zero);

        var cli = await EpAsync(RunningPlatform.AliceKey, "stats");
        Assert.That(cli.ExitCode, Is.Zero, cli.Error);
        Assert.That(cli.Output, Does.Match(@"failed\s+[1-9]"));
        var queue = await EpAsync(RunningPlatform.AliceKey, "stats", "--queue", "--output", "json");
        Assert.That(queue.ExitCode, Is.Zero, queue.Error);
        Assert.That(JsonDocument.Parse(queue.Output).RootElement.GetProperty("queued").GetProperty("total").GetInt32(), Is.GreaterThanOrEqualTo(0));
        var forbidden = await EpAsync(RunningPlatform.BobKey, "stats", "--user", "alice");
        Assert.That(forbidden.ExitCode, Is.EqualTo(1));
    }

    private Task<(int ExitCode, string Output, string Error)> EpAsync(string apiKey, params string[] arguments) =>
        EpCli.RunAsync(Platform.BaseAddress, apiKey, arguments);
}

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace EventPlatform.EndToEndTests.Dashboard;

/// <summary>The Overview, Users and queue, and Dead letters pages, in chromium, against the embedded platform.</summary>
[TestFixture]
[NonParallelizable]
public sealed class When_operators_watch_the_platform_on_the_dashboard : DashboardFixture
{
    [Test]
    public async Task Should_count_a_failure_and_show_its_reason_on_the_overview_without_a_reload()
    {
        await SignInAsync(RunningPlatform.AliceKey);
        var failedCard = Page.Locator("[data-figure=state-Failed] .figure");
        await Expect(failedCard).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9]+$"));
        var before = int.Parse(await failedCard.TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await Page.EvaluateAsync("window.sameDocument = true");

        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "exit 3" }, maxAttempts = 1 });
        // How soon the sandbox runs it depends on the machine's load; what the page does once it has ended does not.
        await StateAsync(jobId, "Failed");

        var failures = Page.GetByRole(AriaRole.Table, new() { Name = "Recent failures" });
        await Expect(failures.Locator("tr", new() { HasText = jobId.ToString() })).ToContainTextAsync("Failed");
        await Expect(failedCard).ToHaveTextAsync((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(await Page.EvaluateAsync<bool>("window.sameDocument === true"), Is.True, "the page was not reloaded");
        await Expect(Page.Locator("[data-figure=queued-high]")).ToBeVisibleAsync();
    }

    [Test]
    public async Task Should_let_an_admin_redrive_a_dead_letter_and_show_the_page_to_no_one_else()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sleep", "120" }, timeoutSeconds = 300 });
        await StateAsync(jobId, "Running");
        var letterId = await DeadLetterAsync(new { jobId, userId = "alice", reason = "re-driven from the dashboard" });

        await SignInAsync(RunningPlatform.AliceKey);
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Dead letters" })).ToBeHiddenAsync();
        var refused = await Page.GotoAsync("/ui/dead-letters");
        Assert.That(refused!.Status, Is.EqualTo(403));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Forbidden" })).ToBeVisibleAsync();

        await Browser.ClearCookiesAsync();
        await SignInAsync(RunningPlatform.AdminKey, "/ui/dead-letters");
        var row = Page.Locator($"tr[data-letter-id='{letterId}']");
        await Expect(row).ToContainTextAsync("EventPlatform.Contracts.Jobs.CancelJob");
        await Expect(row).ToContainTextAsync(jobId.ToString());
        await row.GetByRole(AriaRole.Button, new() { Name = "Re-drive" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Re-drove EventPlatform.Contracts.Jobs.CancelJob.");
        await Expect(Page.Locator($"tr[data-letter-id='{letterId}'] [data-cell=redrive]")).ToContainTextAsync("Re-driven");
        var job = await StateAsync(jobId, "Cancelled");
        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Cancelled"), "the re-driven cancel reached the job");
    }

    [Test]
    public async Task Should_show_an_admin_every_user_and_a_user_only_themselves()
    {
        await SubmitAsync(new { command = new[] { "true" } });
        await SignInAsync(RunningPlatform.AdminKey, "/ui/users");
        var users = Page.GetByRole(AriaRole.Table, new() { Name = "Users" });
        await Expect(users.Locator("tr[data-user=alice]")).ToBeVisibleAsync();

        // Bob's first job arrives while the page is open: his row appears without a reload.
        using var bob = Platform.ClientFor(RunningPlatform.BobKey);
        using var submitted = await bob.PostAsync(
            new Uri("/jobs", UriKind.Relative),
            new StringContent("""{"command": ["true"]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.That((int)submitted.StatusCode, Is.EqualTo(202), await submitted.Content.ReadAsStringAsync());
        await Expect(users.Locator("tr[data-user=bob]")).ToBeVisibleAsync();

        await Browser.ClearCookiesAsync();
        await SignInAsync(RunningPlatform.AliceKey, "/ui/users");
        await Expect(users.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(users.Locator("tr[data-user=alice]")).ToBeVisibleAsync();
    }

    [Test]
    public async Task Should_show_running_jobs_against_the_caps_and_the_last_hour_as_charts()
    {
        var done = await SubmitAsync(new { command = new[] { "true" } });
        await StateAsync(done, "Succeeded");
        var running = await SubmitAsync(new { command = new[] { "sleep", "120" }, timeoutSeconds = 300 });
        await StateAsync(running, "Running");

        // The test platform's caps: 64 for the platform and 64 per user (RunningPlatform).
        await SignInAsync(RunningPlatform.AliceKey);
        var caps = Page.GetByRole(AriaRole.Table, new() { Name = "Caps" });
        await Expect(caps.Locator("tr[data-cap=user-alice] [data-cell=used]")).ToHaveTextAsync("1 of 64");
        await Expect(caps.Locator("tr[data-cap=global] [data-cell=used]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[1-9][0-9]* of 64$"));
        await Expect(caps.Locator("tbody tr")).ToHaveCountAsync(2, new() { Timeout = 5_000 });

        var charts = Page.GetByTestId("charts");
        await Expect(charts.GetByRole(AriaRole.Img)).ToHaveCountAsync(2);
        await Expect(charts.GetByRole(AriaRole.Img).First).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex(@"^Jobs ended per minute: [1-9][0-9]* in the last hour$"));
        Assert.That(await charts.Locator("rect[data-series=succeeded]").CountAsync(), Is.GreaterThan(0), "a bar for the minute her job ended");

        using var cancelled = await Platform.Http.PostAsJsonAsync(new Uri($"/jobs/{running}/cancel", UriKind.Relative), new { reason = "done looking" });
        Assert.That((int)cancelled.StatusCode, Is.EqualTo(202));
        await Expect(caps.Locator("tr[data-cap=user-alice] [data-cell=used]")).ToHaveTextAsync("0 of 64");
    }

    /// <summary>A CancelJob that a consumer gave up on, stored as the recorder stores it.</summary>
    private async Task<Guid> DeadLetterAsync(object cancel)
    {
        var letterId = Guid.CreateVersion7();
        await using var connection = new NpgsqlConnection(Platform.ConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand(
            "insert into eventplatform.ep_dead_letters (id, message_type, body, consumer, exception, failed_at) "
            + "values (@id, 'EventPlatform.Contracts.Jobs.CancelJob', @body::jsonb, 'JobStateMachine', 'System.TimeoutException: the test put it here', now())",
            connection);
        insert.Parameters.AddWithValue("id", letterId);
        insert.Parameters.AddWithValue("body", JsonSerializer.Serialize(cancel));
        await insert.ExecuteNonQueryAsync();
        return letterId;
    }
}

using System.Text.RegularExpressions;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EventPlatform.EndToEndTests.Dashboard;

/// <summary>The Jobs page and a job's page, in chromium, against the embedded platform running real sandboxed jobs.</summary>
[TestFixture]
[NonParallelizable]
public sealed class When_people_follow_jobs_on_the_dashboard : DashboardFixture
{
    [Test]
    public async Task Should_show_submitted_jobs_appear_and_change_state_without_a_reload()
    {
        await SignInAsync(RunningPlatform.AliceKey, "/ui/jobs");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Jobs" })).ToBeVisibleAsync();
        await Page.EvaluateAsync("window.sameDocument = true");

        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "sleep 4" }, timeoutSeconds = 60 });

        // The sandbox's start is as slow as the machine is busy; the page follows whenever it comes.
        var state = Row(jobId).Locator("[data-cell=state]");
        await Expect(state).ToHaveTextAsync("Running", new() { Timeout = 60_000 });
        await Expect(state).ToHaveTextAsync("Succeeded", new() { Timeout = 60_000 });
        Assert.That(await Page.EvaluateAsync<bool>("window.sameDocument === true"), Is.True, "the page was not reloaded");
    }

    [Test]
    public async Task Should_filter_by_label_and_page_with_the_cursor()
    {
        var label = Guid.NewGuid().ToString("N")[..12];
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await SubmitAsync(new { command = new[] { "true" }, labels = new Dictionary<string, string> { ["batch"] = label } }));
        }

        await SignInAsync(RunningPlatform.AliceKey, "/ui/jobs");
        await Page.GetByLabel("label").FillAsync($"batch:{label}");
        await Page.GetByLabel("per page").FillAsync("2");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();

        var rows = Page.GetByRole(AriaRole.Table, new() { Name = "Jobs" }).Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(Row(ids[2])).ToBeVisibleAsync();
        await Expect(Row(ids[1])).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(Row(ids[0])).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Next page" })).ToBeDisabledAsync();
        Assert.That(new Uri(Page.Url).Query, Does.Contain($"label=batch%3A{label}"), "the filter is in the address, to share or reload");

        await Page.GetByLabel("state").SelectOptionAsync("Failed");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("No jobs match.");
    }

    [Test]
    public async Task Should_cancel_a_filtered_set_of_selected_jobs()
    {
        var label = Guid.NewGuid().ToString("N")[..12];
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await SubmitAsync(new { command = new[] { "sleep", "120" }, timeoutSeconds = 300, labels = new Dictionary<string, string> { ["batch"] = label } }));
        }

        await SignInAsync(RunningPlatform.AliceKey, $"/ui/jobs?label=batch%3A{label}");
        await Expect(Page.GetByRole(AriaRole.Table, new() { Name = "Jobs" }).Locator("tbody tr")).ToHaveCountAsync(3);
        await Page.GetByLabel("Select all").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Cancel selected" }).ClickAsync();

        foreach (var id in ids)
        {
            await Expect(Row(id).Locator("[data-cell=state]")).ToHaveTextAsync("Cancelled");
        }
    }

    [Test]
    public async Task Should_follow_a_running_jobs_log_and_cancel_it_from_its_page()
    {
        var jobId = await SubmitAsync(new
        {
            command = new[] { "sh", "-c", "for i in 1 2 3 4 5 6; do echo line-$i; sleep 1; done; sleep 120" },
            timeoutSeconds = 300,
            labels = new Dictionary<string, string> { ["kind"] = "tail" },
        });
        await StateAsync(jobId, "Running");

        await SignInAsync(RunningPlatform.AliceKey, $"/ui/jobs/{jobId}");

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = $"Job {jobId}" })).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-state]").First).ToHaveTextAsync("Running");
        await Expect(Page.GetByTestId("log")).ToContainTextAsync("line-1");
        await Expect(Page.GetByTestId("log")).ToContainTextAsync("line-5", new() { Timeout = 30_000 });
        await Expect(Page.Locator("dl.spec")).ToContainTextAsync("kind:tail");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(Page.Locator("[data-state]").First).ToHaveTextAsync("Cancelled", new() { Timeout = 30_000 });
        var timeline = Page.GetByRole(AriaRole.Table, new() { Name = "Timeline" });
        await Expect(timeline).ToContainTextAsync("JobCancelRequested");
        await Expect(timeline).ToContainTextAsync("JobCancelled");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeHiddenAsync();
    }

    [Test]
    public async Task Should_download_an_artifact_and_preview_the_screenshot()
    {
        var jobId = await SubmitAsync(new { command = new[] { "ep-builtin", "computer-use" } });
        await StateAsync(jobId, "Succeeded");

        await SignInAsync(RunningPlatform.AliceKey, $"/ui/jobs/{jobId}");

        var artifacts = Page.GetByTestId("artifacts");
        await Expect(artifacts.GetByRole(AriaRole.Link, new() { Name = "screenshot.png" })).ToBeVisibleAsync();
        var preview = artifacts.GetByRole(AriaRole.Img, new() { Name = "Preview of screenshot.png" });
        await Expect(preview).ToBeVisibleAsync();
        Assert.That(await preview.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : 0"), Is.GreaterThan(0), "the image decoded");

        var download = await Page.RunAndWaitForDownloadAsync(() => artifacts.GetByRole(AriaRole.Link, new() { Name = "result.json" }).ClickAsync());
        Assert.That(download.SuggestedFilename, Is.EqualTo("result.json"));
        var saved = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"{jobId}-result.json");
        await download.SaveAsAsync(saved);
        Assert.That(JsonDocument.Parse(await File.ReadAllTextAsync(saved)).RootElement.ValueKind, Is.EqualTo(JsonValueKind.Object));
        await Expect(Page.GetByRole(AriaRole.Table, new() { Name = "Attempts" })).ToContainTextAsync("JobSucceeded");

        // The steps the built-in marked, on the session's time bar and listed with their offsets.
        var replay = Page.GetByTestId("replay");
        string[] steps = ["open-browser", "navigate", "type-query", "click-search", "take-screenshot", "close-browser"];
        await Expect(replay.Locator("svg g[data-step]")).ToHaveCountAsync(steps.Length);
        await Expect(replay.Locator("li[data-step]")).ToHaveTextAsync(steps.Select(step => new Regex($@"^\d+\.\d\d s {step}$")).ToArray());
        await Expect(replay.GetByRole(AriaRole.Img)).ToHaveAttributeAsync("aria-label", new Regex(@"^Session of \d+\.\d s, 6 steps$"));
    }

    [Test]
    public async Task Should_replay_the_job_as_it_was_at_any_version_with_the_slider()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "exit 4" }, maxAttempts = 1 });
        await StateAsync(jobId, "Failed");
        await SignInAsync(RunningPlatform.AliceKey, $"/ui/jobs/{jobId}");
        var asOf = Page.GetByTestId("as-of");
        await Expect(asOf).ToContainTextAsync("Failed");
        await Expect(asOf).ToContainTextAsync("exit code 4");

        await SlideToAsync(1);
        await Expect(asOf).ToContainTextAsync("Version 1 (JobSubmitted");
        await Expect(asOf.Locator("[data-state]")).ToHaveTextAsync("Queued");
        Assert.That(await asOf.TextContentAsync(), Does.Not.Contain("exit code"), "no attempt had ended at the submission");

        var last = int.Parse(await Page.GetByLabel("As of version").GetAttributeAsync("max") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await SlideToAsync(last);
        await Expect(asOf.Locator("[data-state]")).ToHaveTextAsync("Failed");
    }

    /// <summary>Moves the range input as a person dragging it would: its value changes, then an input event.</summary>
    private Task SlideToAsync(int version) => Page.GetByLabel("As of version").EvaluateAsync(
        "(slider, version) => { slider.value = String(version); slider.dispatchEvent(new Event('input', { bubbles: true })); }", version);

    [Test]
    public async Task Should_run_a_job_again_and_follow_the_links_both_ways()
    {
        var original = await SubmitAsync(new { command = new[] { "sh", "-c", "echo once more" }, labels = new Dictionary<string, string> { ["kind"] = "rerun" } });
        await StateAsync(original, "Succeeded");
        await SignInAsync(RunningPlatform.AliceKey, $"/ui/jobs/{original}");
        await Expect(Page.Locator("[data-state]").First).ToHaveTextAsync("Succeeded");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Run again" }).ClickAsync();

        await Page.WaitForURLAsync(url => !url.EndsWith(original.ToString(), StringComparison.Ordinal));
        var rerun = Guid.Parse(new Uri(Page.Url).Segments[^1]);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = $"Job {rerun}" })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("rerun-of")).ToHaveTextAsync(original.ToString());
        await Expect(Page.Locator("[data-state]").First).ToHaveTextAsync("Succeeded");
        await Expect(Page.GetByTestId("log")).ToContainTextAsync("once more");

        await Page.GetByTestId("rerun-of").ClickAsync();
        await Expect(Page.GetByTestId("rerun")).ToHaveTextAsync(rerun.ToString());
        await Expect(Page.GetByRole(AriaRole.Table, new() { Name = "Timeline" })).ToContainTextAsync($"run again as {rerun} by alice");
    }

    [Test]
    public async Task Should_not_show_a_user_another_users_job()
    {
        using var bob = Platform.ClientFor(RunningPlatform.BobKey);
        using var submitted = await bob.PostAsync(
            new Uri("/jobs", UriKind.Relative),
            new StringContent("""{"command": ["true"]}""", System.Text.Encoding.UTF8, "application/json"));
        var bobs = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetGuid();

        await SignInAsync(RunningPlatform.AliceKey, "/ui/jobs");
        await Expect(Page.GetByRole(AriaRole.Table, new() { Name = "Jobs" })).ToBeVisibleAsync();
        await Expect(Row(bobs)).ToHaveCountAsync(0);
        var response = await Page.GotoAsync($"/ui/jobs/{bobs}");

        Assert.That(response!.Status, Is.EqualTo(404));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();

        await Browser.ClearCookiesAsync();
        await SignInAsync(RunningPlatform.AdminKey, $"/ui/jobs/{bobs}");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = $"Job {bobs}" })).ToBeVisibleAsync();
    }

    private ILocator Row(Guid jobId) => Page.Locator($"tr[data-job-id='{jobId}']");
}

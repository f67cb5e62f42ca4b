using System.Text.Json;

namespace EventPlatform.EndToEndTests;

[TestFixture]
[NonParallelizable]
public sealed class When_the_ep_cli_drives_the_platform : PlatformFixture
{
    [Test]
    public async Task Should_submit_wait_and_end_succeeded_with_exit_code_0()
    {
        var run = await EpAsync(Platform.BaseAddress.ToString(), "submit", "--wait", "--", "sh", "-c", "echo hello");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var jobId = run.Output.Trim();
        Assert.That(Guid.TryParse(jobId, out _), Is.True, $"ep printed '{run.Output}'");
        Assert.That(run.Error, Does.Contain($"{jobId} Succeeded"));

        var status = await EpAsync(Platform.BaseAddress.ToString(), "status", jobId, "--output", "json");
        Assert.That(status.ExitCode, Is.Zero);
        var job = JsonDocument.Parse(status.Output).RootElement;
        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Succeeded"));

        var events = await EpAsync(Platform.BaseAddress.ToString(), "events", jobId, "--output", "json");
        Assert.That(events.ExitCode, Is.Zero);
        var types = JsonDocument.Parse(events.Output).RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetString());
        Assert.That(types, Is.EqualTo(new[] { "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobSucceeded" }));
    }

    [Test]
    public async Task Should_exit_with_the_jobs_exit_code_when_it_fails()
    {
        var run = await EpAsync(Platform.BaseAddress.ToString(), "submit", "--wait", "--timeout", "30", "--env", "CODE=5", "--", "sh", "-c", "exit $CODE");

        Assert.That(run.ExitCode, Is.EqualTo(5), run.Error);
        Assert.That(run.Error, Does.Contain("Failed"));
    }

    [Test]
    public async Task Should_cancel_a_running_job()
    {
        var submitted = await EpAsync(Platform.BaseAddress.ToString(), "submit", "--", "sleep", "60");
        var jobId = submitted.Output.Trim();
        await StateAsync(Guid.Parse(jobId), "Running");

        var cancel = await EpAsync(Platform.BaseAddress.ToString(), "cancel", jobId, "--reason", "from the cli");

        Assert.That(cancel.ExitCode, Is.Zero, cancel.Error);
        Assert.That(cancel.Output.Trim(), Is.EqualTo($"{jobId} cancel requested"));
        await StateAsync(Guid.Parse(jobId), "Cancelled");
    }

    [Test]
    public async Task Should_cancel_every_job_a_filter_matches()
    {
        var team = Guid.NewGuid().ToString("N")[..10];
        var ids = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            ids.Add(await SubmitAsync(new { command = new[] { "sleep", "120" }, timeoutSeconds = 300, labels = new Dictionary<string, string> { ["team"] = team } }));
        }

        var cancel = await EpAsync(Platform.BaseAddress.ToString(), "cancel", "--label", $"team:{team}", "--reason", "bulk from the cli");
        var both = await EpAsync(Platform.BaseAddress.ToString(), "cancel", ids[0].ToString(), "--state", "queued");

        Assert.That(cancel.ExitCode, Is.Zero, cancel.Error);
        Assert.That(cancel.Output.Trim(), Is.EqualTo("2 jobs asked to cancel"));
        foreach (var id in ids)
        {
            await StateAsync(id, "Cancelled");
        }

        Assert.That(both.ExitCode, Is.EqualTo(1));
        Assert.That(both.Error, Does.Contain("either a job id or filters"));
    }

    [Test]
    public async Task Should_run_a_job_again_and_follow_the_new_one()
    {
        var submitted = await EpAsync(Platform.BaseAddress.ToString(), "submit", "--wait", "--", "sh", "-c", "exit 4");
        var original = submitted.Output.Split('\n')[0].Trim();

        var rerun = await EpAsync(Platform.BaseAddress.ToString(), "rerun", original, "--wait");

        Assert.That(rerun.ExitCode, Is.EqualTo(4), "the run again fails as the original did: " + rerun.Error);
        var newId = Guid.Parse(rerun.Output.Split('\n')[0].Trim());
        Assert.That(newId.ToString(), Is.Not.EqualTo(original));
        var job = await GetJobAsync(newId);
        Assert.That(job.GetProperty("rerunOf").GetString(), Is.EqualTo(original));
        Assert.That(await EventTypesAsync(Guid.Parse(original)), Does.Contain("JobRerunSubmitted"));
    }

    [Test]
    public async Task Should_say_in_one_line_when_the_server_cannot_be_reached()
    {
        var run = await EpAsync("http://127.0.0.1:1", "status", Guid.CreateVersion7().ToString());

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(run.Error, Does.StartWith("ep: Cannot reach the EventPlatform server at http://127.0.0.1:1/"));
    }

    [Test]
    public async Task Should_say_in_one_line_when_the_api_key_is_wrong()
    {
        var run = await EpAsAsync("not-a-key", Platform.BaseAddress.ToString(), "status", Guid.CreateVersion7().ToString());

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Output, Is.Empty);
        Assert.That(run.Error.Trim(), Is.EqualTo("ep: the server refused the API key (401)"));
    }

    [Test]
    public async Task Should_report_an_unknown_job_as_not_found()
    {
        var unknown = Guid.CreateVersion7().ToString();
        var run = await EpAsync(Platform.BaseAddress.ToString(), "status", unknown);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error, Does.Contain("404").And.Contain(unknown));
    }

    private static Task<(int ExitCode, string Output, string Error)> EpAsync(string url, params string[] arguments) =>
        EpAsAsync(RunningPlatform.AliceKey, url, arguments);

    private static Task<(int ExitCode, string Output, string Error)> EpAsAsync(string apiKey, string url, params string[] arguments) =>
        EpCli.RunAsync(new Uri(url), apiKey, arguments);
}

using System.Diagnostics;
using System.Text.Json;

namespace EventPlatform.EndToEndTests;

[TestFixture]
[NonParallelizable]
public sealed class When_ep_is_used_from_scripts : PlatformFixture
{
    private string configHome = null!;

    [SetUp]
    public void CreateConfigHome() => configHome = Directory.CreateTempSubdirectory("ep-e2e-config-").FullName;

    [TearDown]
    public void DeleteConfigHome() => Directory.Delete(configHome, recursive: true);

    [Test]
    public async Task Should_print_exactly_one_json_document_for_every_command_with_output_json()
    {
        var submitted = Json(await EpAsync("submit", "--output", "json", "--", "sh", "-c", "echo out"));
        var jobId = submitted.GetProperty("jobId").GetString()!;
        Assert.That(submitted.GetProperty("statusUrl").GetString(), Is.EqualTo($"/jobs/{jobId}"));

        var watched = Json(await EpAsync("watch", jobId, "-o", "json"));
        Assert.That(watched.GetProperty("state").GetString(), Is.EqualTo("Succeeded"));
        Assert.That(Json(await EpAsync("status", jobId, "-o", "json")).GetProperty("jobId").GetString(), Is.EqualTo(jobId));
        Assert.That(Json(await EpAsync("events", jobId, "-o", "json"))[0].GetProperty("type").GetString(), Is.EqualTo("JobSubmitted"));
        Assert.That(Json(await EpAsync("history", jobId, "-o", "json")).GetProperty("entries").GetArrayLength(), Is.GreaterThanOrEqualTo(5));
        Assert.That(Json(await EpAsync("list", "-o", "json")).GetProperty("items").EnumerateArray().Select(j => j.GetProperty("jobId").GetString()), Does.Contain(jobId));
        Assert.That(Json(await EpAsync("logs", jobId, "-o", "json")).GetProperty("text").GetString(), Is.EqualTo("out\n"));
        Assert.That(Json(await EpAsync("results", jobId, "-o", "json")).EnumerateArray().Select(a => a.GetProperty("name").GetString()), Does.Contain("logs.txt"));

        var waited = Json(await EpAsync("submit", "--wait", "-o", "json", "--", "sh", "-c", "exit 4"), expectedExitCode: 4);
        Assert.That(waited.GetProperty("state").GetString(), Is.EqualTo("Failed"));
        Assert.That(waited.GetProperty("exitCode").GetInt32(), Is.EqualTo(4));

        var sleeper = Json(await EpAsync("submit", "-o", "json", "--", "sleep", "60")).GetProperty("jobId").GetString()!;
        var cancelled = Json(await EpAsync("cancel", sleeper, "-o", "json"));
        Assert.That(cancelled.GetProperty("jobId").GetString(), Is.EqualTo(sleeper));
        await StateAsync(Guid.Parse(sleeper), "Cancelled");
    }

    [Test]
    public async Task Should_exit_with_the_jobs_exit_code_when_watching_one_job()
    {
        var jobId = (await EpAsync("submit", "--", "sh", "-c", "sleep 1; exit 7")).Output.Trim();

        var watch = await EpAsync("watch", jobId);

        Assert.That(watch.ExitCode, Is.EqualTo(7), watch.Error);
        Assert.That(watch.Error, Does.Contain($"{jobId} Failed"));
    }

    [Test]
    public async Task Should_submit_a_job_file_with_flags_overriding_its_fields()
    {
        var file = Path.Combine(configHome, "job.json");
        await File.WriteAllTextAsync(file, """
            {"command": ["sh", "-c", "echo $A$B"], "priority": "low", "timeoutSeconds": 120,
             "env": {"A": "1", "B": "2"}, "labels": {"suite": "file"}}
            """);

        var run = await EpAsync("submit", "--file", file, "--priority", "high", "--env", "B=3", "--wait");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var job = Json(await EpAsync("status", run.Output.Trim(), "-o", "json"));
        Assert.That(job.GetProperty("priority").GetString(), Is.EqualTo("high"));
        Assert.That(job.GetProperty("timeoutSeconds").GetInt32(), Is.EqualTo(120));
        Assert.That(job.GetProperty("env").GetProperty("A").GetString(), Is.EqualTo("1"));
        Assert.That(job.GetProperty("env").GetProperty("B").GetString(), Is.EqualTo("3"));
        Assert.That(job.GetProperty("labels").GetProperty("suite").GetString(), Is.EqualTo("file"));
        Assert.That((await EpAsync("logs", run.Output.Trim())).Output, Is.EqualTo("13\n"));
    }

    [Test]
    public async Task Should_refuse_a_job_file_that_is_not_json_in_one_line()
    {
        var file = Path.Combine(configHome, "job.json");
        await File.WriteAllTextAsync(file, "command: [true]");

        var run = await EpAsync("submit", "--file", file);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Output, Is.Empty);
        Assert.That(run.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(run.Error, Does.StartWith($"ep: {file} is not valid JSON"));
    }

    [Test]
    public async Task Should_use_the_config_file_when_the_environment_says_nothing_and_let_the_environment_override_it()
    {
        await WriteConfigAsync($$"""{"url": "{{Platform.BaseAddress}}", "apiKey": "{{RunningPlatform.AliceKey}}"}""");

        var fromFile = await EpCli.RunAsync(ConfigOnly(), "list", "-o", "json");
        var keyOverridden = await EpCli.RunAsync(ConfigOnly(("EP_API_KEY", "not-a-key")), "list");
        var urlOverridden = await EpCli.RunAsync(ConfigOnly(("EP_URL", "http://127.0.0.1:1")), "list");

        Assert.That(fromFile.ExitCode, Is.Zero, fromFile.Error);
        Assert.That(Json(fromFile).GetProperty("items").ValueKind, Is.EqualTo(JsonValueKind.Array));
        Assert.That(keyOverridden.ExitCode, Is.EqualTo(1));
        Assert.That(keyOverridden.Error.Trim(), Is.EqualTo("ep: the server refused the API key (401)"));
        Assert.That(urlOverridden.ExitCode, Is.EqualTo(1));
        Assert.That(urlOverridden.Error, Does.StartWith("ep: Cannot reach the EventPlatform server at http://127.0.0.1:1/"));
    }

    [Test]
    public async Task Should_say_in_one_line_when_the_config_file_is_malformed()
    {
        await WriteConfigAsync("{\"url\": ");

        var run = await EpCli.RunAsync(ConfigOnly(), "list");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(run.Error, Does.StartWith($"ep: {Path.Combine(configHome, "ep", "config.json")} is not valid JSON"));
    }

    [Test]
    public async Task Should_say_in_one_line_when_no_key_is_configured()
    {
        var run = await EpCli.RunAsync(ConfigOnly(("EP_URL", Platform.BaseAddress.ToString())), "list", "-o", "json");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.Output, Is.Empty);
        Assert.That(run.Error.Trim(), Is.EqualTo($"ep: no API key: set EP_API_KEY, or apiKey in {Path.Combine(configHome, "ep", "config.json")} (401)"));
    }

    [Test]
    public async Task Should_print_each_change_of_all_jobs_until_stopped()
    {
        // A job that runs throughout: the watch prints it at its start, which says the watch is up.
        var marker = await SubmitAsync(new { command = new[] { "sleep", "60" } });
        await StateAsync(marker, "Running");
        using var watch = EpCli.Start(
            new Dictionary<string, string?> { ["EP_URL"] = Platform.BaseAddress.ToString(), ["EP_API_KEY"] = RunningPlatform.AdminKey },
            "watch",
            "--output",
            "json");
        var stderr = watch.StandardError.ReadToEndAsync();
        try
        {
            await ReadStatesAsync(watch, marker, until: "Running");
            var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "sleep 1" } });

            var states = await ReadStatesAsync(watch, jobId, until: "Succeeded");

            Assert.That(states, Is.Unique);
            Assert.That(states, Is.SubsetOf(new[] { "Queued", "Starting", "Running", "Succeeded" }));
        }
        finally
        {
            // SIGTERM, as a service manager or `timeout` stops it (Ctrl-C takes the same path).
            using var stop = Process.Start("kill", ["-TERM", watch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await stop.WaitForExitAsync();
            using var cancel = await Platform.Http.PostAsync(new Uri($"/jobs/{marker}/cancel", UriKind.Relative), content: null);
        }

        await watch.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(watch.ExitCode, Is.Zero, await stderr);
    }

    /// <summary>The states printed for <paramref name="jobId"/> up to <paramref name="until"/>; every line must be one JSON document.</summary>
    private static async Task<List<string>> ReadStatesAsync(Process watch, Guid jobId, string until)
    {
        List<string> states = [];
        while (!states.Contains(until))
        {
            // A pipe read cannot be cancelled on Linux: bound the wait instead.
            var line = await watch.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.That(line, Is.Not.Null, "ep watch ended early");
            var job = JsonDocument.Parse(line!).RootElement;
            if (job.GetProperty("jobId").GetGuid() == jobId)
            {
                states.Add(job.GetProperty("state").GetString()!);
            }
        }

        return states;
    }

    private static JsonElement Json((int ExitCode, string Output, string Error) run, int expectedExitCode = 0)
    {
        Assert.That(run.ExitCode, Is.EqualTo(expectedExitCode), run.Error);
        using var document = JsonDocument.Parse(run.Output);
        return document.RootElement.Clone();
    }

    private Task<(int ExitCode, string Output, string Error)> EpAsync(params string[] arguments) =>
        EpCli.RunAsync(Platform.BaseAddress, RunningPlatform.AliceKey, arguments);

    private Dictionary<string, string?> ConfigOnly(params (string Name, string Value)[] overrides)
    {
        var environment = new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = configHome };
        foreach (var (name, value) in overrides)
        {
            environment[name] = value;
        }

        return environment;
    }

    private async Task WriteConfigAsync(string json)
    {
        Directory.CreateDirectory(Path.Combine(configHome, "ep"));
        await File.WriteAllTextAsync(Path.Combine(configHome, "ep", "config.json"), json);
    }
}

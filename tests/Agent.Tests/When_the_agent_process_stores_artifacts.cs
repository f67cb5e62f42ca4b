using System.Text.Json;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Agent.Tests;

/// <summary>The built agent, run as the local launcher runs it, storing into a local folder.</summary>
public class When_the_agent_process_stores_artifacts
{
    private const string JobId = "0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e";
    private const string Prefix = $"jobs/{JobId}/attempt-1/";

    private DirectoryInfo root = null!;
    private DirectoryInfo work = null!;

    private string Stored => Path.Combine(root.FullName, Prefix);

    [SetUp]
    public void CreateFolders()
    {
        root = Directory.CreateTempSubdirectory("ep-agent-store-");
        work = Directory.CreateTempSubdirectory("ep-agent-work-");
    }

    [TearDown]
    public void DeleteFolders()
    {
        root.Delete(recursive: true);
        work.Delete(recursive: true);
    }

    [Test]
    public async Task Should_give_the_command_an_artifacts_folder_and_hide_the_stores_secrets_from_it()
    {
        var (exitCode, lines) = await RunAgentAsync(
            "sh", "-c", """echo "dir=$EP_ARTIFACTS_DIR root=${EP_ARTIFACTS_ROOT:-none} secret=${AWS_SECRET_ACCESS_KEY:-none}"; echo 42 > "$EP_ARTIFACTS_DIR/answer.txt"; exit 4""");

        Assert.That(exitCode, Is.EqualTo(4));
        Assert.That(
            lines.Where(l => l.Stream == "stdout").Select(l => l.Message),
            Is.EqualTo(new[] { $"dir={Path.Combine(work.FullName, "artifacts")} root=none secret=none" }));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(Stored, "answer.txt")), Is.EqualTo("42\n"));
        Assert.That(Directory.EnumerateFiles(Stored).Select(Path.GetFileName), Is.EquivalentTo(new[] { "answer.txt", "logs.txt", "result.json", "session-replay.json" }));
        var result = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(Stored, "result.json"))).RootElement;
        Assert.That(result.GetProperty("exitCode").GetInt32(), Is.EqualTo(4));
        Assert.That(result.GetProperty("artifactsStored").GetBoolean(), Is.True);
        Assert.That(lines[^1], Is.EqualTo(new AgentLine("Information", JobId, 1, "agent", "Stored 4 artifacts.")));
    }

    [Test]
    public async Task Should_run_the_computer_use_builtin_as_a_command_and_store_its_screenshot_and_steps()
    {
        var (exitCode, lines) = await RunAgentAsync("ep-builtin", "computer-use");

        Assert.That(exitCode, Is.Zero, string.Join('\n', lines.Select(l => l.Message)));
        Assert.That(lines[0].Message, Does.Match(@"^Started '.*dotnet' as pid \d+\.$"), "a built-in runs as a command of its own");
        var png = await File.ReadAllBytesAsync(Path.Combine(Stored, "screenshot.png"));
        Assert.That(png.Take(8), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        var replay = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(Stored, "session-replay.json"))).RootElement;
        var steps = replay.GetProperty("steps").EnumerateArray().ToList();
        Assert.That(steps.Select(s => s.GetProperty("name").GetString()), Is.EqualTo(new[] { "open-browser", "navigate", "type-query", "click-search", "take-screenshot", "close-browser" }));
        var offsets = steps.Select(s => s.GetProperty("offsetMs").GetInt64()).ToList();
        Assert.That(offsets, Is.Ordered.Ascending);

        // Five pauses of 250 ms (1,250 ms). An offset is when the agent read the marker, and an agent
        // still starting up on a busy machine reads the first ones late (up to ~400 ms seen): the span
        // shrinks by that much, never below what the last pauses alone take.
        Assert.That(offsets[^1] - offsets[0], Is.GreaterThanOrEqualTo(500), "the steps take time");
    }

    [TestCase("fail", "7", 7)]
    [TestCase("sleep", "0", 0)]
    [TestCase("sleep", "lots", 2)]
    public async Task Should_exit_with_the_builtins_exit_code(string name, string argument, int expected)
    {
        var (exitCode, _) = await RunAgentAsync("ep-builtin", name, argument);

        Assert.That(exitCode, Is.EqualTo(expected));
        Assert.That(File.Exists(Path.Combine(Stored, "result.json")), Is.True);
    }

    [Test]
    public async Task Should_refuse_an_unknown_builtin_like_a_missing_program_and_still_store_the_result()
    {
        var (exitCode, lines) = await RunAgentAsync("ep-builtin", "teleport");

        Assert.That(exitCode, Is.EqualTo(127));
        Assert.That(lines[0], Is.EqualTo(new AgentLine("Error", JobId, 1, "agent", "No built-in workload 'teleport'; known: cpu, memory, io, sleep, fail, computer-use.")));
        var result = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(Stored, "result.json"))).RootElement;
        Assert.That(result.GetProperty("exitCode").GetInt32(), Is.EqualTo(127));
    }

    [Test]
    public async Task Should_not_run_a_workload_in_process_for_a_job_that_forges_the_child_marker()
    {
        var (exitCode, lines) = await RunAgentAsync(new Dictionary<string, string> { ["EP_BUILTIN_WORKLOAD"] = "1" }, "--ep-builtin-workload", "sleep", "0");

        Assert.That(exitCode, Is.EqualTo(127));
        Assert.That(lines[0].Message, Does.StartWith("Cannot run '--ep-builtin-workload'"));
    }

    private Task<(int ExitCode, IReadOnlyList<AgentLine> Lines)> RunAgentAsync(params string[] command) =>
        RunAgentAsync(new Dictionary<string, string>(), command);

    /// <summary>The job's own environment comes first; the launcher's variables win, as they do in the launchers.</summary>
    private async Task<(int ExitCode, IReadOnlyList<AgentLine> Lines)> RunAgentAsync(Dictionary<string, string> jobEnvironment, params string[] command)
    {
        var startInfo = BuiltAgent.StartInfo(command, work.FullName).WithOnly("/usr/local/bin:/usr/bin:/bin", work.FullName);
        foreach (var (name, value) in jobEnvironment)
        {
            startInfo.Environment[name] = value;
        }

        startInfo.Environment[TaskVariables.JobId] = JobId;
        startInfo.Environment[TaskVariables.Attempt] = "1";
        startInfo.Environment["EP_ARTIFACTS_ROOT"] = root.FullName;
        startInfo.Environment["EP_ARTIFACTS_PREFIX"] = Prefix;
        startInfo.Environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        startInfo.Environment["AWS_SECRET_ACCESS_KEY"] = "do-not-show";

        var (exitCode, lines, _) = await BuiltAgent.RunAsync(startInfo);
        return (exitCode, lines);
    }
}

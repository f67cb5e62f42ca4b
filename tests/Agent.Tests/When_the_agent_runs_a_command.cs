namespace EventPlatform.Agent.Tests;

public class When_the_agent_runs_a_command
{
    private const string JobId = "0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e";
    private static readonly AgentContext Context = new(JobId, 2, TimeSpan.FromSeconds(1));

    private static async Task<(int ExitCode, IReadOnlyList<AgentLine> Lines)> RunAsync(params string[] command)
    {
        using var output = new StringWriter();
        var outcome = await CommandRunner.RunAsync(command, Context, output);
        return (outcome.ExitCode, AgentLine.Parse(output.ToString()));
    }

    private static AgentLine Line(string stream, string message, string level = "Information") =>
        new(level, JobId, 2, stream, message);

    [TestCase(0)]
    [TestCase(3)]
    [TestCase(137)]
    public async Task Should_exit_with_the_exit_code_of_the_command(int exitCode)
    {
        var (actual, lines) = await RunAsync("sh", "-c", $"exit {exitCode}");

        Assert.That(actual, Is.EqualTo(exitCode));
        Assert.That(lines[^1], Is.EqualTo(Line("agent", $"Command exited with code {exitCode}.")));
    }

    [Test]
    public async Task Should_log_the_start_and_the_exit_of_the_command()
    {
        var (_, lines) = await RunAsync("sh", "-c", "exit 3");

        Assert.That(lines, Has.Count.EqualTo(2));
        Assert.That(lines[0].Stream, Is.EqualTo("agent"));
        Assert.That(lines[0].Message, Does.Match(@"^Started 'sh' as pid \d+\.$"));
        Assert.That(lines[0].Event, Is.EqualTo("commandStarted"), "a launcher reports the task running from this line");
        Assert.That(lines[1], Is.EqualTo(Line("agent", "Command exited with code 3.")));
        Assert.That(lines[1].Event, Is.Null);
    }

    [Test]
    public async Task Should_write_each_stdout_and_stderr_line_as_one_json_object_naming_the_job()
    {
        var (exitCode, lines) = await RunAsync(
            "sh", "-c", """printf 'first line\nsecond "quoted" line\n'; echo 'to stderr' >&2; printf 'tab\there\n'""");

        Assert.That(exitCode, Is.Zero);
        Assert.That(lines.Where(l => l.Stream == "stdout"), Is.EqualTo(new[]
        {
            Line("stdout", "first line"),
            Line("stdout", "second \"quoted\" line"),
            Line("stdout", "tab\there"),
        }));
        Assert.That(lines.Where(l => l.Stream == "stderr"), Is.EqualTo(new[] { Line("stderr", "to stderr") }));
    }

    [Test]
    public async Task Should_name_the_jobs_correlation_id_on_every_line_when_the_launcher_gave_one()
    {
        using var output = new StringWriter();
        var context = Context with { CorrelationId = "0196f0a200007000800000000000c0de" };

        await CommandRunner.RunAsync(["sh", "-c", "echo out; echo err >&2"], context, output);

        var lines = AgentLine.Parse(output.ToString());
        Assert.That(lines.Select(l => l.Stream), Is.EquivalentTo(new[] { "agent", "stdout", "stderr", "agent" }));
        Assert.That(lines.Select(l => l.CorrelationId), Is.All.EqualTo("0196f0a200007000800000000000c0de"));
    }

    [Test]
    public async Task Should_name_the_jobs_trace_id_on_every_line_when_the_launcher_gave_a_traceparent()
    {
        using var output = new StringWriter();
        var context = Context with { TraceId = AgentContext.TraceIdOf("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") };

        await CommandRunner.RunAsync(["sh", "-c", "echo out"], context, output);

        Assert.That(AgentLine.Parse(output.ToString()).Select(l => l.TraceId), Is.All.EqualTo("4bf92f3577b34da6a3ce929d0e0e4736"));
    }

    [Test]
    public void Should_take_no_trace_id_from_something_that_is_not_a_traceparent()
    {
        Assert.That(AgentContext.TraceIdOf("not-a-traceparent"), Is.Null);
        Assert.That(AgentContext.TraceIdOf(null), Is.Null);
    }

    [Test]
    public async Task Should_relay_a_last_line_without_newline()
    {
        var (_, lines) = await RunAsync("printf", "no newline at the end");

        Assert.That(lines.Where(l => l.Stream == "stdout"), Is.EqualTo(new[] { Line("stdout", "no newline at the end") }));
    }

    [Test]
    public async Task Should_return_127_and_log_an_error_when_the_program_does_not_exist()
    {
        var (exitCode, lines) = await RunAsync("/nonexistent/eventplatform-no-such-program", "--flag");

        Assert.That(exitCode, Is.EqualTo(CommandRunner.CommandNotRunnable));
        Assert.That(CommandRunner.CommandNotRunnable, Is.EqualTo(127));
        Assert.That(lines, Has.Count.EqualTo(1));
        Assert.That(lines[0] with { Message = string.Empty }, Is.EqualTo(Line("agent", string.Empty, level: "Error")));
        Assert.That(lines[0].Message, Does.StartWith("Cannot run '/nonexistent/eventplatform-no-such-program': "));
    }

    [Test]
    public async Task Should_return_127_and_log_an_error_when_the_program_is_not_on_the_path()
    {
        var (exitCode, lines) = await RunAsync("eventplatform-no-such-program");

        Assert.That(exitCode, Is.EqualTo(127));
        Assert.That(lines, Has.Count.EqualTo(1));
        Assert.That(lines[0].Level, Is.EqualTo("Error"));
        Assert.That(lines[0].Message, Does.StartWith("Cannot run 'eventplatform-no-such-program': "));
    }

    [Test]
    public async Task Should_return_127_and_log_an_error_when_no_command_is_given()
    {
        var (exitCode, lines) = await RunAsync();

        Assert.That(exitCode, Is.EqualTo(127));
        Assert.That(lines, Is.EqualTo(new[] { Line("agent", "No command given.", level: "Error") }));
    }

    [TestCase("")]
    [TestCase("   ")]
    public async Task Should_return_127_and_log_an_error_when_the_program_name_is_blank(string program)
    {
        var (exitCode, lines) = await RunAsync(program, "--flag");

        Assert.That(exitCode, Is.EqualTo(127));
        Assert.That(lines, Is.EqualTo(new[] { Line("agent", "No command given.", level: "Error") }));
    }

    [Test]
    public async Task Should_end_when_the_command_does_and_take_its_background_processes_with_it()
    {
        var marker = $"ep-agent-test-{Guid.NewGuid():N}";
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        var (exitCode, lines) = await RunAsync("sh", "-c", $"exec -a {marker} sleep 30 & echo left behind");

        Assert.That(exitCode, Is.Zero);
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "a background process must not hold the agent open");
        Assert.That(lines.Where(l => l.Stream == "stdout").Select(l => l.Message), Is.EqualTo(new[] { "left behind" }));
        var survivors = Directory.EnumerateDirectories("/proc")
            .Select(d => Path.Combine(d, "cmdline"))
            .Where(File.Exists)
            .Count(f =>
            {
                try
                {
                    return File.ReadAllText(f).Contains(marker, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            });
        Assert.That(survivors, Is.Zero, "the command's background process must be killed when the command ends");
    }
}

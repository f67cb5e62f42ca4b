using System.Diagnostics;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Agent.Tests;

/// <summary>
/// Runs the built agent as a child process, as ECS does, because a signal sent to the test host
/// would reach the test runner too.
/// </summary>
public class When_the_agent_process_receives_sigterm
{
    private const string JobId = "0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Should_forward_it_to_the_command_and_exit_with_the_command_exit_code()
    {
        // SIGTERM reaches the whole process group: the background sleep goes too.
        var (exitCode, lines) = await RunAndTerminateAsync("trap 'exit 7' TERM; echo ready; sleep 30 & wait");

        Assert.That(exitCode, Is.EqualTo(7));
        Assert.That(lines.Where(l => l.Stream == "agent").Select(l => l.Message).Skip(1), Is.EqualTo(new[]
        {
            "SIGTERM received: asking the command to stop.",
            "Command exited with code 7.",
        }));
        Assert.That(lines.Select(l => (l.JobId, l.Attempt)).Distinct(), Is.EqualTo(new[] { (JobId, 2) }));
    }

    [Test]
    public async Task Should_kill_a_command_that_ignores_it_once_the_grace_period_is_over()
    {
        var stopwatch = Stopwatch.StartNew();

        var (exitCode, lines) = await RunAndTerminateAsync("trap '' TERM; echo ready; sleep 30 & wait");

        Assert.That(exitCode, Is.EqualTo(137));
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
        Assert.That(lines.Where(l => l.Stream == "agent").Select(l => l.Message).Skip(1), Is.EqualTo(new[]
        {
            "SIGTERM received: asking the command to stop.",
            "Command still running after 2 s: killing it.",
            "Command exited with code 137.",
        }));
    }

    private static async Task<(int ExitCode, IReadOnlyList<AgentLine> Lines)> RunAndTerminateAsync(string script)
    {
        var startInfo = BuiltAgent.StartInfo(["sh", "-c", script]);

        startInfo.Environment[TaskVariables.JobId] = JobId;
        startInfo.Environment[TaskVariables.Attempt] = "2";
        startInfo.Environment[TaskVariables.StopGraceSeconds] = "2";

        return await BuiltAgent.TerminateWhenReadyAsync(startInfo, Patience);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Agent.Tests;

/// <summary>
/// The built agent as the local launcher starts it, with a sandbox but without cgroups: the real
/// namespaces, uid and rlimits. Needs root, as the sandbox does.
/// </summary>
[NonParallelizable]
public class When_the_agent_runs_a_command_in_the_sandbox
{
    /// <summary>Above the launcher's default range, so no task of a platform running on this machine has it.</summary>
    private const int Uid = 299_999;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private DirectoryInfo work = null!;

    [SetUp]
    public void RequireRootAndAWorkingDirectory()
    {
        Assume.That(Environment.IsPrivilegedProcess, Is.True, "the sandbox needs root");
        work = Directory.CreateTempSubdirectory("ep-agent-sandbox-");
    }

    [TearDown]
    public void RemoveTheWorkingDirectory() => work?.Delete(recursive: true);

    [Test]
    public async Task Should_run_it_as_the_task_uid_in_its_own_directory_with_no_network()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var (exitCode, lines) = await RunAsync(
            "bash", "-c", $"id -u; pwd; touch mine && echo wrote; (exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null && echo connected || echo unreachable");

        Assert.That(exitCode, Is.Zero, string.Join('\n', lines));
        Assert.That(lines.Where(l => l.Stream == "stdout").Select(l => l.Message), Is.EqualTo(new[]
        {
            Uid.ToString(CultureInfo.InvariantCulture), work.FullName, "wrote", "unreachable",
        }));
        Assert.That(listener.Pending(), Is.False);
    }

    [Test]
    public async Task Should_still_forward_sigterm_to_the_command_through_every_step()
    {
        var (exitCode, lines) = await RunAsync(stopOnReady: true, "sh", "-c", "trap 'exit 7' TERM; echo ready; sleep 30 & wait");

        Assert.That(exitCode, Is.EqualTo(7), string.Join('\n', lines));
        Assert.That(lines.Where(l => l.Stream == "agent").Select(l => l.Message).Skip(1), Is.EqualTo(new[]
        {
            "SIGTERM received: asking the command to stop.",
            "Command exited with code 7.",
        }));
    }

    [Test]
    public async Task Should_fail_as_the_agent_not_the_job_when_the_sandbox_cannot_be_built()
    {
        var (exitCode, lines) = await RunAsync(environment: new() { ["EP_SANDBOX_UID"] = "0" }, "true");

        Assert.That(exitCode, Is.EqualTo(CommandRunner.AgentFailure));
        Assert.That(lines.Single().Message, Does.StartWith("EP_SANDBOX_UID must be a positive whole number"));
    }

    private Task<(int ExitCode, IReadOnlyList<AgentLine> Lines)> RunAsync(params string[] command) =>
        RunAsync(stopOnReady: false, command);

    private Task<(int ExitCode, IReadOnlyList<AgentLine> Lines)> RunAsync(bool stopOnReady, params string[] command) =>
        RunAsync(stopOnReady, [], command);

    private Task<(int ExitCode, IReadOnlyList<AgentLine> Lines)> RunAsync(Dictionary<string, string> environment, params string[] command) =>
        RunAsync(stopOnReady: false, environment, command);

    private async Task<(int ExitCode, IReadOnlyList<AgentLine> Lines)> RunAsync(bool stopOnReady, Dictionary<string, string> environment, string[] command)
    {
        var startInfo = BuiltAgent.StartInfo(command, work.FullName)
            .WithOnly("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", work.FullName);
        startInfo.Environment[TaskVariables.JobId] = "0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e";
        startInfo.Environment[TaskVariables.Attempt] = "1";
        startInfo.Environment[TaskVariables.StopGraceSeconds] = "2";
        startInfo.Environment[SandboxVariables.Enabled] = "1";
        startInfo.Environment[SandboxVariables.Uid] = Uid.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment[SandboxVariables.MemoryMiB] = "512";
        startInfo.Environment[SandboxVariables.Processes] = "64";
        startInfo.Environment[SandboxVariables.OpenFiles] = "256";
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        if (stopOnReady)
        {
            return await BuiltAgent.TerminateWhenReadyAsync(startInfo, Patience);
        }

        var (exitCode, lines, _) = await BuiltAgent.RunAsync(startInfo, Patience);
        return (exitCode, lines);
    }
}

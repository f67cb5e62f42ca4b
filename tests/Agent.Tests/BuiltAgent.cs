using System.Diagnostics;
using System.Globalization;

namespace EventPlatform.Agent.Tests;

/// <summary>The Agent as the launchers start it: the built program, run by dotnet, with the job's command.</summary>
internal static class BuiltAgent
{
    private static readonly string Program = Path.Combine(AppContext.BaseDirectory, "EventPlatform.Agent.dll");

    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)
            ? hostPath
            : "dotnet";

    public static ProcessStartInfo StartInfo(IEnumerable<string> command, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        startInfo.ArgumentList.Add(Program);
        foreach (var argument in command)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    /// <summary>Runs the agent to its end (a minute at most, or <paramref name="patience"/>) and reads its log; it must write nothing to stderr.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<AgentLine> Lines, int Pid)> RunAsync(ProcessStartInfo startInfo, TimeSpan? patience = null)
    {
        using var timeout = new CancellationTokenSource(patience ?? TimeSpan.FromSeconds(60));
        using var agent = Process.Start(startInfo)!;
        var output = agent.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = agent.StandardError.ReadToEndAsync(timeout.Token);
        await agent.WaitForExitAsync(timeout.Token);
        Assert.That(await error, Is.Empty);
        return (agent.ExitCode, AgentLine.Parse(await output), agent.Id);
    }

    /// <summary>
    /// Runs the agent until its command prints <c>ready</c> (relayed only once the agent listens for
    /// SIGTERM), sends it SIGTERM, and reads its log to the end; it must write nothing to stderr.
    /// </summary>
    public static async Task<(int ExitCode, IReadOnlyList<AgentLine> Lines)> TerminateWhenReadyAsync(ProcessStartInfo startInfo, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        using var agent = Process.Start(startInfo)!;
        try
        {
            var stderr = agent.StandardError.ReadToEndAsync(timeout.Token);
            var output = new StringWriter();
            while (await agent.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                await output.WriteLineAsync(line);
                if (AgentLine.Parse(line) is [{ Stream: "stdout", Message: "ready" }])
                {
                    break;
                }
            }

            using (var kill = Process.Start("kill", ["-TERM", agent.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(timeout.Token);
                Assert.That(kill.ExitCode, Is.Zero, "kill -TERM failed");
            }

            await output.WriteAsync(await agent.StandardOutput.ReadToEndAsync(timeout.Token));
            await agent.WaitForExitAsync(timeout.Token);
            Assert.That(await stderr, Is.Empty);
            return (agent.ExitCode, AgentLine.Parse(output.ToString()));
        }
        finally
        {
            if (!agent.HasExited)
            {
                agent.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Nothing of the test runner's environment, as a launcher gives its Agent: only a PATH and a HOME.</summary>
    public static ProcessStartInfo WithOnly(this ProcessStartInfo startInfo, string path, string home)
    {
        startInfo.Environment.Clear();
        startInfo.Environment["PATH"] = path;
        startInfo.Environment["HOME"] = home;
        return startInfo;
    }
}

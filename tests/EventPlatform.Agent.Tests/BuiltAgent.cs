using System.Diagnostics;

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

    /// <summary>Runs the agent to its end (a minute at most) and reads its log; it must write nothing to stderr.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<AgentLine> Lines, int Pid)> RunAsync(ProcessStartInfo startInfo)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var agent = Process.Start(startInfo)!;
        var output = agent.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = agent.StandardError.ReadToEndAsync(timeout.Token);
        await agent.WaitForExitAsync(timeout.Token);
        Assert.That(await error, Is.Empty);
        return (agent.ExitCode, AgentLine.Parse(await output), agent.Id);
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

using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EventPlatform.Agent;

/// <summary>
/// Runs the job's command, relays its output line by line, forwards SIGTERM so the command can
/// shut down cleanly, kills it after <c>stopGrace</c>, and exits with the command's exit code.
/// </summary>
internal static class CommandRunner
{
    /// <summary>What a shell answers when a command cannot be found or run; the agent mirrors it.</summary>
    public const int CommandNotRunnable = 127;

    public static async Task<int> RunAsync(string[] command, AgentContext context, TextWriter output, TimeSpan stopGrace)
    {
        var log = new AgentLog(output, context);
        if (command.Length == 0)
        {
            log.Error("No command given.");
            return CommandNotRunnable;
        }

        var startInfo = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            log.Error($"Cannot run '{command[0]}': {ex.Message}");
            return CommandNotRunnable;
        }

        log.Info($"Started '{command[0]}' as pid {process.Id}.");
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            _ = StopAsync(process, stopGrace, log);
        });

        var relayOut = RelayAsync(process.StandardOutput, "stdout", log);
        var relayErr = RelayAsync(process.StandardError, "stderr", log);
        await process.WaitForExitAsync().ConfigureAwait(false);
        await Task.WhenAll(relayOut, relayErr).ConfigureAwait(false);

        log.Info($"Command exited with code {process.ExitCode}.");
        return process.ExitCode;
    }

    private static async Task RelayAsync(StreamReader reader, string stream, AgentLog log)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            log.Output(stream, line);
        }
    }

    private static async Task StopAsync(Process process, TimeSpan grace, AgentLog log)
    {
        log.Info("SIGTERM received: asking the command to stop.");
        SendTerminate(process.Id);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            log.Info($"Command still running after {grace.TotalSeconds:0} s: killing it.");
            process.Kill(entireProcessTree: true);
        }
    }

    private static void SendTerminate(int pid) => _ = NativeMethods.Kill(pid, NativeMethods.SigTerm);
}

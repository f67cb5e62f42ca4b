using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Agent;

/// <summary>
/// Runs the job's command in a process group of its own, relays its output line by line,
/// forwards SIGTERM to the whole group, kills the group after the stop grace, and exits with the
/// command's exit code. When the command exits, whatever it left running in its group is killed,
/// and, when it ran as a uid of its own, everything of that uid, until none is left: a job ends when
/// its command does, nothing it started may hold the task open or touch its files while they are stored.
/// </summary>
internal static class CommandRunner
{
    /// <summary>What a shell answers when a command cannot be found or run; the agent mirrors it.</summary>
    public const int CommandNotRunnable = 127;

    /// <summary>The agent itself failed (like docker run's 125); the job's retry policy treats it as retryable.</summary>
    public const int AgentFailure = 125;

    private static readonly TimeSpan OutputDrainLimit = TimeSpan.FromSeconds(2);

    /// <summary>Runs <paramref name="command"/> to its end; as <paramref name="user"/> when given, unless the local sandbox applies.</summary>
    public static async Task<CommandOutcome> RunAsync(
        string[] command, AgentContext context, TextWriter output, IOutputObserver? observer = null, CommandUser? user = null)
    {
        var log = new AgentLog(output, context);
        if (command.Length == 0 || string.IsNullOrWhiteSpace(command[0]))
        {
            log.Error("No command given.");
            return new CommandOutcome(CommandNotRunnable);
        }

        Sandbox? sandbox;
        try
        {
            sandbox = Sandbox.FromEnvironment();
        }
        catch (SandboxException ex)
        {
            log.Error(ex.Message);
            return new CommandOutcome(ex.ExitCode);
        }

        if ((sandbox is null ? ProgramLocator.Find(command[0]) : sandbox.Locate(command[0])) is not { } program)
        {
            log.Error($"Cannot run '{command[0]}': no such executable program.");
            return new CommandOutcome(CommandNotRunnable);
        }

        user = sandbox is null ? user : null;

        // setsid execs in place, and so does setpriv and each step of the sandbox: the command's pid is also its process group id.
        var commandLine = sandbox?.Wrap(program, command.Skip(1)) ?? user?.Wrap(program, command.Skip(1)) ?? ["setsid", program, .. command.Skip(1)];
        var startInfo = new ProcessStartInfo(commandLine[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in commandLine.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        sandbox?.PrepareEnvironment(startInfo.Environment);
        user?.PrepareEnvironment(startInfo.Environment, Environment.CurrentDirectory);
        if (sandbox is null && user is null)
        {
            // Nothing runs as anyone else here: the command takes the job's variables under their own names.
            JobEnvironment.NameInPlace(startInfo.Environment);
        }

        using var process = new Process { StartInfo = startInfo };
        var stop = new StopRequest(log, context.StopGrace);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stop.Request();
        });

        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            log.Error($"Cannot run '{command[0]}': {ex.Message}");
            return new CommandOutcome(CommandNotRunnable);
        }

        log.CommandStarted($"Started '{command[0]}' as pid {process.Id}.");
        stop.Attach(process);
        using var parentWatch = context.ExitWithParent ? ParentWatch.Start(process, log) : null;
        var relays = Task.WhenAll(
            RelayAsync(process.StandardOutput, AgentLogRecord.StandardOutput, log, observer),
            RelayAsync(process.StandardError, AgentLogRecord.StandardError, log, observer));
        await process.WaitForExitAsync().ConfigureAwait(false);
        NativeMethods.SignalGroup(process.Id, NativeMethods.SigKill);
        var processes = sandbox?.Processes() ?? user?.Processes();
        var stillRunning = processes is null ? null : await processes.EndAllAsync(JobProcesses.Patience).ConfigureAwait(false);
        if (stillRunning is not null)
        {
            log.Error(stillRunning);
        }

        try
        {
            await relays.WaitAsync(OutputDrainLimit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            log.Error("Output did not close after the command exited; the rest is dropped.");
        }

        if (sandbox?.ExplainExit(process.ExitCode) is { } explanation)
        {
            log.Error(explanation);
        }

        log.Info($"Command exited with code {process.ExitCode}.");
        return new CommandOutcome(process.ExitCode, processes?.Uid, stillRunning);
    }

    private static async Task RelayAsync(StreamReader reader, string stream, AgentLog log, IOutputObserver? observer)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            observer?.OnOutput(stream, line);
            log.Output(stream, line);
        }
    }

    /// <summary>A SIGTERM may arrive before the command started; it is then applied as soon as it has.</summary>
    private sealed class StopRequest(AgentLog log, TimeSpan grace)
    {
        private readonly Lock gate = new();
        private Process? process;
        private bool requested;

        public void Attach(Process started)
        {
            lock (gate)
            {
                process = started;
                if (!requested)
                {
                    return;
                }
            }

            _ = StopAsync(started);
        }

        public void Request()
        {
            Process? started;
            lock (gate)
            {
                if (requested)
                {
                    return;
                }

                requested = true;
                started = process;
            }

            log.Info("SIGTERM received: asking the command to stop.");
            if (started is not null)
            {
                _ = StopAsync(started);
            }
        }

        private async Task StopAsync(Process started)
        {
            NativeMethods.SignalGroup(started.Id, NativeMethods.SigTerm);
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await started.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                log.Info($"Command still running after {grace.TotalSeconds:0} s: killing it.");
                NativeMethods.SignalGroup(started.Id, NativeMethods.SigKill);
            }
        }
    }
}

/// <summary>
/// How the command ended: its exit code, the uid it ran as when not the agent's own, and what of that
/// uid still ran after the sweep (null once nothing did).
/// </summary>
internal sealed record CommandOutcome(int ExitCode, int? Uid = null, string? StillRunning = null);

using System.Runtime.InteropServices;
using EventPlatform.Agent.Artifacts;
using EventPlatform.Agent.Builtins;
using EventPlatform.Agent.Session;
using EventPlatform.Contracts.Agent;
using EventPlatform.Contracts.Artifacts;

namespace EventPlatform.Agent;

/// <summary>
/// One attempt from the agent's side: give the command a folder for its artifacts, run it while
/// recording its output and step markers, then store the artifacts and exit with the command's code.
/// </summary>
internal static class AgentSession
{
    /// <summary>The folder, in the agent's working directory, whose files become the attempt's artifacts.</summary>
    public const string ArtifactsFolder = "artifacts";

    public static async Task<int> RunAsync(string[] command, AgentContext context, TextWriter output, TimeProvider clock)
    {
        var log = new AgentLog(output, context);
        var settings = ArtifactSettings.TakeFromEnvironment(context);
        CommandUser? user;
        try
        {
            user = CommandUser.FromEnvironment();
        }
        catch (SandboxException ex)
        {
            log.Error(ex.Message);
            return ex.ExitCode;
        }

        if (user is not null)
        {
            Environment.CurrentDirectory = user.CreateWorkDirectory();
        }

        var artifactsDirectory = Path.Combine(Environment.CurrentDirectory, ArtifactsFolder);
        Directory.CreateDirectory(artifactsDirectory);
        user?.Own(artifactsDirectory);
        Environment.SetEnvironmentVariable(TaskVariables.ArtifactsDirectory, artifactsDirectory);

        var scratch = Directory.CreateTempSubdirectory("ep-agent-");
        try
        {
            using var recorder = new OutputRecorder(Path.Combine(scratch.FullName, ArtifactLayout.LogsName), clock);
            var outcome = await RunCommandAsync(command, context, output, log, recorder, user).ConfigureAwait(false);
            recorder.End();
            if (settings.HasStore)
            {
                // Read only once nothing of the command runs; then as its uid owns them, never through a link.
                var folder = new ArtifactFolder(artifactsDirectory, outcome.Uid, outcome.StillRunning);
                await PublishAsync(settings, context, outcome.ExitCode, folder, recorder, log, scratch.FullName).ConfigureAwait(false);
            }

            return outcome.ExitCode;
        }
        finally
        {
            try
            {
                scratch.Delete(recursive: true);
                if (user is not null)
                {
                    Directory.Delete(Environment.CurrentDirectory, recursive: true);
                }
            }
            catch (IOException ex)
            {
                log.Error($"Could not remove the agent's scratch or the command's folder: {ex.Message}");
            }
        }
    }

    private static Task<CommandOutcome> RunCommandAsync(
        string[] command, AgentContext context, TextWriter output, AgentLog log, OutputRecorder recorder, CommandUser? user)
    {
        if (!BuiltinCommand.IsBuiltin(command))
        {
            return CommandRunner.RunAsync(command, context, output, recorder, user);
        }

        var (child, problem) = BuiltinCommand.ChildCommand(command);
        if (child is not null)
        {
            return CommandRunner.RunAsync(child, context, output, recorder, user);
        }

        log.Error(problem!);
        return Task.FromResult(new CommandOutcome(CommandRunner.CommandNotRunnable));
    }

    private static async Task PublishAsync(
        ArtifactSettings settings, AgentContext context, int exitCode, ArtifactFolder folder, OutputRecorder recorder, AgentLog log, string scratch)
    {
        // A stop that arrives now is for a command that already ended: storing its artifacts comes
        // first, and the launcher's kill after the grace period still bounds how long that may take.
        using var holdStop = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            log.Info("SIGTERM received while storing artifacts: finishing that first.");
        });
        try
        {
            using var store = settings.CreateStore()!;
            await new ArtifactPublisher(store, log, UploadRetry.Default, scratch)
                .PublishAsync(context, exitCode, folder, recorder, CancellationToken.None)
                .ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The job's outcome is the command's; a store that cannot even be opened is logged, not fatal.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            log.Error($"Artifacts not stored in {settings.Location}: {ex.Message}");
        }
    }
}

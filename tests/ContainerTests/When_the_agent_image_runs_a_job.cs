using System.Text.Json;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.ContainerTests;

/// <summary>
/// A container of the agent image as a job task runs it (root, EP_COMMAND_UID as the stack sets it,
/// the job's command as the container's command), storing artifacts in a local folder mounted where
/// the task would have S3.
/// </summary>
public class When_the_agent_image_runs_a_job
{
    private const string CommandUid = "10001";

    /// <summary>The artifact root every job of this fixture stores under, each job in its own folder.</summary>
    private readonly DirectoryInfo artifacts = Directory.CreateTempSubdirectory("ep-container-artifacts-");

    [OneTimeTearDown]
    public void RemoveTheArtifactRoot() => artifacts.Delete(recursive: true);

    [Test]
    public async Task Should_run_the_command_as_the_unprivileged_uid_with_the_usual_tools_and_store_what_it_wrote()
    {
        var (exitCode, lines, stored) = await RunJobAsync("sh", "-c", """
            id -u
            for tool in setpriv setsid sh bash awk gawk sed grep find xargs tar gzip ps kill; do
              command -v "$tool" >/dev/null || echo "missing $tool"
            done
            test -s /etc/ssl/certs/ca-certificates.crt && echo "CA store present"
            echo 42 > "$EP_ARTIFACTS_DIR/answer.txt"
            tar -czf "$EP_ARTIFACTS_DIR/answer.tar.gz" -C "$EP_ARTIFACTS_DIR" answer.txt
            """);

        Assert.That(exitCode, Is.Zero, string.Join('\n', lines.Select(l => l.Message)));
        Assert.That(lines.Where(l => l.Stream == AgentLogRecord.StandardOutput).Select(l => l.Message), Is.EqualTo(new[] { CommandUid, "CA store present" }));

        Assert.That(
            Directory.EnumerateFiles(stored).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "answer.txt", "answer.tar.gz", "result.json", "logs.txt", "session-replay.json" }));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(stored, "answer.txt")), Is.EqualTo("42\n"));
        using var result = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(stored, "result.json")));
        Assert.That(result.RootElement.GetProperty("exitCode").GetInt32(), Is.Zero);
        Assert.That(await File.ReadAllTextAsync(Path.Combine(stored, "logs.txt")), Does.Contain(CommandUid));
    }

    [Test]
    public async Task Should_exit_with_the_commands_exit_code_for_ecs_to_read()
    {
        var (exitCode, lines, _) = await RunJobAsync("sh", "-c", "echo failing; exit 3");

        Assert.That(exitCode, Is.EqualTo(3));
        Assert.That(lines.Where(l => l.Stream == AgentLogRecord.StandardOutput).Select(l => l.Message), Is.EqualTo(new[] { "failing" }));
    }

    /// <returns>The agent's exit code, its log, and the folder it stored the attempt's artifacts in.</returns>
    private async Task<(int ExitCode, IReadOnlyList<AgentLogRecord> Lines, string Stored)> RunJobAsync(params string[] command)
    {
        var jobId = Guid.CreateVersion7().ToString("D");
        var prefix = $"jobs/{jobId}/attempt-1/";
        var (exitCode, output, error) = await Podman.RunAsync(
        [
            "run", "--rm", "--network", "none",
            "--volume", $"{artifacts.FullName}:/artifacts",
            "--env", $"{TaskVariables.CommandUid}={CommandUid}",
            "--env", $"{TaskVariables.JobId}={jobId}",
            "--env", $"{TaskVariables.Attempt}=1",
            "--env", $"{TaskVariables.ArtifactsRoot}=/artifacts",
            "--env", $"{TaskVariables.ArtifactsPrefix}={prefix}",
            Podman.Image("agent"),
            .. command,
        ]);
        Assert.That(error, Is.Empty, "the agent writes its log to stdout only");
        return (
            exitCode,
            [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonSerializer.Deserialize<AgentLogRecord>(line)!)],
            Path.Combine(artifacts.FullName, prefix));
    }
}

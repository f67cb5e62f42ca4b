using System.Globalization;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Agent.Tests;

/// <summary>
/// The built agent as an ECS task runs it when the task definition sets EP_COMMAND_UID: the agent as
/// root with the task role's credentials path in its environment, the command as that uid. Needs root.
/// </summary>
[NonParallelizable]
public class When_the_agent_runs_the_command_as_another_user
{
    /// <summary>Above the local launcher's range and apart from the sandbox tests' uid.</summary>
    private const int Uid = 299_998;

    private const string JobId = "0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e";
    private const string Prefix = $"jobs/{JobId}/attempt-1/";
    private const string CredentialsPath = "/v2/credentials/5f1e2d3c-4b5a-6978-8f9e-0a1b2c3d4e5f";

    private DirectoryInfo root = null!;
    private DirectoryInfo work = null!;

    [SetUp]
    public void RequireRootAndFolders()
    {
        Assume.That(Environment.IsPrivilegedProcess, Is.True, "only root can run a command as another user");
        root = Directory.CreateTempSubdirectory("ep-agent-store-");
        work = Directory.CreateTempSubdirectory("ep-agent-work-");
    }

    [TearDown]
    public void DeleteFolders()
    {
        root?.Delete(recursive: true);
        work?.Delete(recursive: true);
    }

    [Test]
    public async Task Should_run_it_as_the_uid_with_no_capabilities_and_only_the_jobs_and_documented_variables()
    {
        var (exitCode, lines, agentPid) = await RunAgentAsync(
            user: true,
            "sh", "-c", """
                id -u; id -G
                grep -E '^(CapEff|CapPrm|NoNewPrivs):' /proc/self/status | tr -s '\t' ' '
                echo "parent=$PPID"
                env -u PWD | cut -d= -f1 | sort | tr '\n' ' '; echo
                cat /proc/$PPID/environ >/dev/null 2>&1 && echo "agent environ readable" || echo "agent environ refused"
                echo "$GREETING from $(pwd)"
                """);

        var stdout = lines.Where(l => l.Stream == "stdout").Select(l => l.Message).ToList();
        Assert.That(exitCode, Is.Zero, string.Join('\n', lines.Select(l => l.Message)));
        Assert.That(stdout, Has.Count.EqualTo(9), string.Join('\n', stdout));
        Assert.Multiple(() =>
        {
            Assert.That(stdout[0], Is.EqualTo(Text(Uid)));
            Assert.That(stdout[1], Is.EqualTo(Text(Uid)), "no supplementary groups");
            Assert.That(stdout[2..5], Is.EqualTo(new[] { "CapPrm: 0000000000000000", "CapEff: 0000000000000000", "NoNewPrivs: 1" }));
            Assert.That(stdout[5], Is.EqualTo($"parent={Text(agentPid)}"), "the command's parent is the agent");
            Assert.That(stdout[6], Is.EqualTo("EP_ARTIFACTS_DIR EP_ATTEMPT EP_JOB_ID GREETING HOME PATH "));
            Assert.That(stdout[7], Is.EqualTo("agent environ refused"));
            Assert.That(stdout[8], Does.Match($"^hello from {Path.GetTempPath()}ep-command-[^/]+$"));
        });
        Assert.That(Directory.Exists(stdout[8]["hello from ".Length..]), Is.False, "the command's folder is removed after the attempt");
    }

    [Test]
    public async Task Should_still_store_the_files_the_command_wrote_and_end_what_it_left_running()
    {
        var (exitCode, lines, _) = await RunAgentAsync(
            user: true,
            "sh", "-c", """mkdir "$EP_ARTIFACTS_DIR/reports" && echo 42 > "$EP_ARTIFACTS_DIR/reports/answer.txt"; setsid sleep 300 & echo left""");

        var stored = Path.Combine(root.FullName, Prefix);
        Assert.That(exitCode, Is.Zero, string.Join('\n', lines.Select(l => l.Message)));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(stored, "reports", "answer.txt")), Is.EqualTo("42\n"));
        Assert.That(UidProcesses.Of(Uid), Is.Empty, "nothing of the command outlives the attempt");
    }

    [Test]
    public async Task Should_give_the_job_its_variables_only_after_root_is_gone()
    {
        // The dynamic loader names every process that starts with a library it cannot preload: had the
        // job's LD_PRELOAD reached the agent, setsid or setpriv (all root), they would have been named too.
        var (exitCode, lines, _) = await RunAgentAsync(
            user: true,
            new Dictionary<string, string> { ["EP_JOB_ENV__LD_PRELOAD"] = "/nonexistent/ep-job-preload.so" },
            "sh", "-c", """echo "$LD_PRELOAD" """);

        Assert.That(exitCode, Is.Zero, string.Join('\n', lines.Select(l => l.Message)));
        Assert.That(lines.Where(l => l.Stream == "stdout").Select(l => l.Message), Is.EqualTo(new[] { "/nonexistent/ep-job-preload.so" }));
        Assert.That(
            lines.Where(l => l.Message.Contains("ep-job-preload.so", StringComparison.Ordinal) && l.Message.Contains("cannot be preloaded", StringComparison.Ordinal)),
            Has.Exactly(1).Items,
            "only the command's own process started with it: " + string.Join('\n', lines.Select(l => l.Message)));
    }

    [Test]
    public async Task Should_change_nothing_without_the_setting()
    {
        var (exitCode, lines, _) = await RunAgentAsync(
            user: false, "sh", "-c", """id -u; echo "${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-none}"; pwd; echo "$GREETING"; echo "${EP_JOB_ENV__GREETING:-unset}" """);

        Assert.That(exitCode, Is.Zero);
        Assert.That(
            lines.Where(l => l.Stream == "stdout").Select(l => l.Message),
            Is.EqualTo(new[] { "0", CredentialsPath, work.FullName, "hello", "unset" }),
            "the job's variables under their own names, as the agent's own command");
    }

    [Test]
    public async Task Should_fail_as_the_agent_when_the_setting_is_not_a_uid()
    {
        var (exitCode, lines, _) = await RunAgentAsync(user: false, new Dictionary<string, string> { ["EP_COMMAND_UID"] = "nobody" }, "true");

        Assert.That(exitCode, Is.EqualTo(CommandRunner.AgentFailure));
        Assert.That(lines[0].Message, Does.StartWith("EP_COMMAND_UID must be a positive whole number"));
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private Task<(int ExitCode, IReadOnlyList<AgentLine> Lines, int Pid)> RunAgentAsync(bool user, params string[] command) =>
        RunAgentAsync(user, [], command);

    /// <summary>The variables an ECS task's container has: the image's, ECS's (the credentials path among them), the launcher's and the job's.</summary>
    private Task<(int ExitCode, IReadOnlyList<AgentLine> Lines, int Pid)> RunAgentAsync(
        bool user, Dictionary<string, string> extra, params string[] command)
    {
        var startInfo = BuiltAgent.StartInfo(command, work.FullName).WithOnly("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "/root");
        startInfo.Environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = CredentialsPath;
        startInfo.Environment["AWS_REGION"] = "eu-west-1";
        startInfo.Environment["ECS_CONTAINER_METADATA_URI_V4"] = "http://169.254.170.2/v4/5f1e2d3c";
        startInfo.Environment["EP_JOB_ENV__GREETING"] = "hello";
        startInfo.Environment[TaskVariables.JobId] = JobId;
        startInfo.Environment[TaskVariables.Attempt] = "1";
        startInfo.Environment["EP_ARTIFACTS_ROOT"] = root.FullName;
        startInfo.Environment["EP_ARTIFACTS_PREFIX"] = Prefix;
        if (user)
        {
            startInfo.Environment[TaskVariables.CommandUid] = Text(Uid);
        }

        foreach (var (name, value) in extra)
        {
            startInfo.Environment[name] = value;
        }

        return BuiltAgent.RunAsync(startInfo);
    }
}

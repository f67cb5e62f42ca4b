using System.Diagnostics;

namespace EventPlatform.Agent.Tests;

public class When_the_agent_builds_the_sandbox
{
    private const string WorkDirectory = "/tmp/eventplatform-tasks/0196f0a27c3e7b1d9a4e5f6a7b8c9d0e-2";
    private static readonly ProgramFiles AgentProgram = new("/opt/eventplatform", ["EventPlatform.Agent.deps.json", "EventPlatform.Agent.dll"]);

    private static readonly Dictionary<string, string> Launched = new()
    {
        ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["HOME"] = WorkDirectory,
        ["EP_JOB_ID"] = "0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e",
        ["EP_ATTEMPT"] = "2",
        ["EP_SANDBOX"] = "1",
        ["EP_SANDBOX_UID"] = "200007",
        ["EP_SANDBOX_MEMORY_CGROUP"] = "/sys/fs/cgroup/memory/eventplatform-sandbox-200007",
        ["EP_SANDBOX_PIDS_CGROUP"] = "/sys/fs/cgroup/pids/eventplatform-sandbox-200007",
        ["EP_LIMIT_MEMORY_MIB"] = "128",
        ["EP_LIMIT_CPU_SECONDS"] = "30",
        ["EP_LIMIT_PROCESSES"] = "32",
        ["EP_LIMIT_OPEN_FILES"] = "64",
    };

    private static Sandbox? Build(Dictionary<string, string> environment) =>
        Sandbox.From(environment, WorkDirectory, tool => $"/usr/bin/{tool}", AgentProgram);

    private static Dictionary<string, string> With(params (string Name, string? Value)[] changes)
    {
        var environment = new Dictionary<string, string>(Launched);
        foreach (var (name, value) in changes)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }

        return environment;
    }

    [Test]
    public void Should_build_none_unless_the_launcher_asks_for_one()
    {
        Assert.That(Build(With(("EP_SANDBOX", null))), Is.Null);
        Assert.That(Build(With(("EP_SANDBOX", "0"))), Is.Null);
    }

    [Test]
    public void Should_chain_namespaces_cgroups_limits_and_the_task_uid_in_front_of_the_command()
    {
        var line = Build(Launched)!.Wrap("/usr/bin/python3", ["train.py", "--epochs", "3"]);

        Assert.That(line.ToArray()[..8], Is.EqualTo(new[]
        {
            "/usr/bin/setsid", "/usr/bin/unshare", "--net", "--mount", "--ipc", "--propagation", "private", "--",
        }));
        Assert.That(line.ToArray()[8..10], Is.EqualTo(new[] { "/usr/bin/sh", "-c" }));
        Assert.That(line.ToArray()[11..], Is.EqualTo(new[]
        {
            "eventplatform-sandbox", WorkDirectory, "200007", "128",
            "/sys/fs/cgroup/memory/eventplatform-sandbox-200007", "/sys/fs/cgroup/pids/eventplatform-sandbox-200007", "--",
            "/opt/eventplatform", "EventPlatform.Agent.deps.json", "EventPlatform.Agent.dll", "--",
            "/usr/bin/prlimit", "--nofile=64:64", "--nproc=32:32", "--cpu=30:31", "--core=0", "--",
            "/usr/bin/setpriv", "--reuid=200007", "--regid=200007", "--clear-groups", "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--",
            "/usr/bin/sh", "-c", "eval \"$EP_SANDBOX_JOB_ENV\" || exit 125; unset EP_SANDBOX_JOB_ENV; exec \"$@\"", "eventplatform-job",
            "/usr/bin/python3", "train.py", "--epochs", "3",
        }));
    }

    [Test]
    public void Should_limit_the_address_space_of_each_process_when_no_memory_cgroup_counts_the_task()
    {
        var line = Build(With(("EP_SANDBOX_MEMORY_CGROUP", null), ("EP_SANDBOX_PIDS_CGROUP", null), ("EP_LIMIT_CPU_SECONDS", null)))!
            .Wrap("/bin/true", []);

        var prlimit = line.SkipWhile(a => a != "/usr/bin/prlimit").TakeWhile(a => a != "--").ToArray();
        Assert.That(prlimit, Is.EqualTo(new[] { "/usr/bin/prlimit", "--nofile=64:64", "--nproc=32:32", "--as=134217728:134217728", "--core=0" }));
        Assert.That(line.ToArray()[11..16], Is.EqualTo(new[] { "eventplatform-sandbox", WorkDirectory, "200007", "128", "--" }));
    }

    [Test]
    public void Should_leave_the_command_only_its_own_part_of_the_agents_environment()
    {
        var environment = new Dictionary<string, string?>(With(
            ("AWS_SECRET_ACCESS_KEY", "from the store's settings"),
            ("EP_ARTIFACTS_DIR", $"{WorkDirectory}/artifacts"),
            ("EP_EXIT_WITH_PARENT", "1"),
            ("EP_JOB_ENV__STAGE", "test")).Select(e => KeyValuePair.Create(e.Key, (string?)e.Value)));

        Build(With(("EP_JOB_ENV__STAGE", "test")))!.PrepareEnvironment(environment);

        Assert.That(environment, Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["PATH"] = Launched["PATH"],
            ["HOME"] = WorkDirectory,
            ["EP_JOB_ID"] = Launched["EP_JOB_ID"],
            ["EP_ATTEMPT"] = "2",
            ["EP_ARTIFACTS_DIR"] = $"{WorkDirectory}/artifacts",
            ["EP_SANDBOX_JOB_ENV"] = "export STAGE='test'\n",
        }));
    }

    [TestCase("plain")]
    [TestCase("it's \"quoted\"")]
    [TestCase("$HOME `id` $(id) \\ ; | & *")]
    [TestCase("two\nlines\n")]
    [TestCase("")]
    public async Task Should_give_the_command_each_job_variable_exactly(string value)
    {
        var sandbox = Build(With(("EP_JOB_ENV__VALUE", value), ("EP_JOB_ENV__OTHER", "x")))!;
        var startInfo = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", """eval "$EP_SANDBOX_JOB_ENV"; printf '%s' "$VALUE" """ })
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["EP_SANDBOX_JOB_ENV"] = sandbox.JobScript();
        using var shell = Process.Start(startInfo)!;
        var output = await shell.StandardOutput.ReadToEndAsync();
        await shell.WaitForExitAsync();

        Assert.That(output, Is.EqualTo(value));
    }

    [Test]
    public void Should_not_let_a_job_variable_replace_what_the_platform_sets()
    {
        var sandbox = Build(With(("EP_JOB_ENV__EP_JOB_ID", "forged"), ("EP_JOB_ENV__EP_ATTEMPT", "9"), ("EP_JOB_ENV__PATH", "/opt/tools/bin")))!;

        Assert.That(sandbox.JobScript(), Is.EqualTo("export PATH='/opt/tools/bin'\n"));
    }

    [Test]
    public void Should_refuse_a_job_variable_no_shell_can_set_as_the_jobs_fault()
    {
        var failure = Assert.Throws<SandboxException>(() => Build(With(("EP_JOB_ENV__NOT-A-NAME", "x"))))!;

        Assert.That(failure.ExitCode, Is.EqualTo(CommandRunner.CommandNotRunnable));
        Assert.That(failure.Message, Does.Contain("'NOT-A-NAME'"));
    }

    [TestCase("EP_SANDBOX_UID", null)]
    [TestCase("EP_SANDBOX_UID", "0")]
    [TestCase("EP_SANDBOX_UID", "root")]
    [TestCase("EP_LIMIT_PROCESSES", "-1")]
    public void Should_refuse_to_run_the_command_when_the_launcher_set_it_up_wrong_as_the_agents_fault(string name, string? value)
    {
        var failure = Assert.Throws<SandboxException>(() => Build(With((name, value))))!;

        Assert.That(failure.ExitCode, Is.EqualTo(CommandRunner.AgentFailure));
    }

    [Test]
    public void Should_refuse_when_a_tool_of_the_chain_is_missing()
    {
        var failure = Assert.Throws<SandboxException>(() =>
            Sandbox.From(Launched, WorkDirectory, tool => tool == "setpriv" ? null : $"/usr/bin/{tool}", AgentProgram))!;

        Assert.That((failure.ExitCode, failure.Message), Is.EqualTo((CommandRunner.AgentFailure, "The sandbox needs 'setpriv' (util-linux, dash) in /usr/bin, /bin, /usr/sbin, /sbin.")));
    }

    [Test]
    public void Should_find_the_program_on_the_jobs_path_when_the_job_sets_one()
    {
        using var folder = new TemporaryFolder();
        var tool = Path.Combine(folder.Path, "eventplatform-test-tool");
        File.WriteAllText(tool, "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var sandbox = Build(With(("EP_JOB_ENV__PATH", $"/nonexistent:{folder.Path}")))!;

        Assert.That(sandbox.Locate("eventplatform-test-tool"), Is.EqualTo(tool));
        Assert.That(Build(Launched)!.Locate("eventplatform-test-tool"), Is.Null);
        Assert.That(sandbox.Locate("sh"), Is.Null, "the job's PATH, not the agent's");
    }

    [Test]
    public void Should_explain_an_exit_that_the_memory_limit_caused()
    {
        using var cgroup = new TemporaryFolder();
        File.WriteAllText(Path.Combine(cgroup.Path, "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");

        var sandbox = Build(With(("EP_SANDBOX_MEMORY_CGROUP", cgroup.Path)))!;

        Assert.That(sandbox.ExplainExit(137), Is.EqualTo("Out of memory: the kernel killed 2 process(es) of the command for using more than the task's 128 MiB."));
    }

    [Test]
    public void Should_explain_an_exit_that_the_cpu_limit_caused_and_no_other()
    {
        var sandbox = Build(With(("EP_SANDBOX_MEMORY_CGROUP", "/nonexistent/cgroup")))!;

        Assert.That(sandbox.ExplainExit(152), Is.EqualTo("CPU time limit: the command was killed for using more than 30 s of CPU time."));
        Assert.That(new[] { sandbox.ExplainExit(0), sandbox.ExplainExit(1), sandbox.ExplainExit(137) }, Is.All.Null);
    }

    [Test]
    public void Should_show_the_command_the_agents_program_and_nothing_else_of_its_folder()
    {
        var program = ProgramFiles.OfAgent();

        Assert.That(program.Directory, Is.EqualTo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)));
        Assert.That(program.Names, Does.Contain("EventPlatform.Agent.dll").And.Contain("EventPlatform.Agent.runtimeconfig.json").And.Contain("AWSSDK.S3.dll"));
        Assert.That(program.Names, Has.None.StartsWith("EventPlatform.Agent.Tests").And.None.StartsWith("nunit").And.None.StartsWith("appsettings"));
    }

    private sealed class TemporaryFolder : IDisposable
    {
        private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("ep-sandbox-test-");

        public string Path => folder.FullName;

        public void Dispose() => folder.Delete(recursive: true);
    }
}

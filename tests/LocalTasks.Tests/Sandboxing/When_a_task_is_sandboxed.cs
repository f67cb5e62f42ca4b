using EventPlatform.Contracts.Jobs;
using EventPlatform.LocalTasks.Sandboxing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventPlatform.LocalTasks.Tests.Sandboxing;

/// <summary>Cgroup folders are plain folders here: the task's half of the sandbox only reads and writes their files.</summary>
public class When_a_task_is_sandboxed
{
    private DirectoryInfo root = null!;
    private SandboxUids uids = null!;

    [SetUp]
    public void CreateFolders()
    {
        root = Directory.CreateTempSubdirectory("ep-sandboxed-task-");
        Directory.CreateDirectory(Path.Combine(root.FullName, "memory"));
        Directory.CreateDirectory(Path.Combine(root.FullName, "pids"));
        uids = new SandboxUids(300_000, 10, Path.Combine(root.FullName, "locks"));
    }

    [TearDown]
    public void RemoveFolders() => root.Delete(recursive: true);

    [Test]
    public async Task Should_limit_its_cgroups_and_tell_the_agent_everything_of_the_spec()
    {
        var limits = new JobLimits { MemoryMiB = 128, CpuSeconds = 30, MaxProcesses = 32, MaxOpenFiles = 64 };
        var (task, cgroup) = await SandboxedAsync(limits, withCgroups: true);

        Assert.That(File.ReadAllText(Path.Combine(cgroup.Memory!, "memory.limit_in_bytes")), Is.EqualTo("134217728"));
        Assert.That(File.ReadAllText(Path.Combine(cgroup.Pids!, "pids.max")), Is.EqualTo("32"));
        Assert.That(task.AgentVariables(), Is.EqualTo(new Dictionary<string, string>
        {
            ["EP_SANDBOX"] = "1",
            ["EP_SANDBOX_UID"] = task.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EP_SANDBOX_MEMORY_CGROUP"] = Path.Combine(root.FullName, "memory", $"eventplatform-sandbox-{task.Uid}"),
            ["EP_SANDBOX_PIDS_CGROUP"] = Path.Combine(root.FullName, "pids", $"eventplatform-sandbox-{task.Uid}"),
            ["EP_LIMIT_MEMORY_MIB"] = "128",
            ["EP_LIMIT_CPU_SECONDS"] = "30",
            ["EP_LIMIT_PROCESSES"] = "32",
            ["EP_LIMIT_OPEN_FILES"] = "64",
        }));
    }

    [Test]
    public async Task Should_leave_the_agent_to_rlimits_where_there_are_no_cgroups()
    {
        var (task, _) = await SandboxedAsync(JobLimits.Default, withCgroups: false);

        Assert.That(task.AgentVariables().Select(v => v.Key), Is.EqualTo(new[]
        {
            "EP_SANDBOX", "EP_SANDBOX_UID", "EP_LIMIT_MEMORY_MIB", "EP_LIMIT_PROCESSES", "EP_LIMIT_OPEN_FILES",
        }));
    }

    [Test]
    public void Should_hand_the_job_variables_over_under_the_inert_prefix()
    {
        var variables = SandboxedTask.JobVariables(new Dictionary<string, string> { ["LD_PRELOAD"] = "/tmp/x.so", ["K"] = "V" });

        Assert.That(variables, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["EP_JOB_ENV__LD_PRELOAD"] = "/tmp/x.so",
            ["EP_JOB_ENV__K"] = "V",
        }));
    }

    [Test]
    public async Task Should_say_out_of_memory_as_ecs_does_when_the_kernel_killed_a_process_of_the_task()
    {
        var (task, cgroup) = await SandboxedAsync(JobLimits.Default, withCgroups: true);
        File.WriteAllText(Path.Combine(cgroup.Memory!, "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");

        Assert.That(task.ContainerReason(137), Is.EqualTo("OutOfMemoryError: Container killed due to memory usage"));
    }

    [Test]
    public async Task Should_say_nothing_when_no_limit_ended_the_command()
    {
        var (task, cgroup) = await SandboxedAsync(new JobLimits { CpuSeconds = 5 }, withCgroups: true);
        File.WriteAllText(Path.Combine(cgroup.Memory!, "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");

        Assert.That(new[] { task.ContainerReason(0), task.ContainerReason(137), task.ContainerReason(1) }, Is.All.Null);
    }

    [Test]
    public async Task Should_say_the_cpu_time_ran_out_when_sigxcpu_ended_the_command()
    {
        var (task, _) = await SandboxedAsync(new JobLimits { CpuSeconds = 5 }, withCgroups: false);

        Assert.That(task.ContainerReason(152), Is.EqualTo("CpuTimeLimitExceeded: Command used more than its 5 s of CPU time"));
    }

    private async Task<(SandboxedTask Task, TaskCgroup Cgroup)> SandboxedAsync(JobLimits limits, bool withCgroups)
    {
        var uid = uids.Take();
        var parents = withCgroups
            ? new CgroupParents(Path.Combine(root.FullName, "memory"), Path.Combine(root.FullName, "pids"))
            : CgroupParents.None;
        var problems = new List<string>();
        var cgroup = await TaskCgroup.CreateAsync(parents, $"eventplatform-sandbox-{uid.Value}", limits.MemoryMiB * 1024L * 1024L, limits.MaxProcesses, problems);
        Assert.That(problems, Is.Empty);
        return (new SandboxedTask(uid, cgroup, limits, NullLogger.Instance), cgroup);
    }
}

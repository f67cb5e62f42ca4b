using EventPlatform.LocalTasks.Sandboxing;

namespace EventPlatform.LocalTasks.Tests.Sandboxing;

public class When_finding_the_cgroups_of_the_host
{
    /// <summary>/proc/self/mountinfo of a machine with cgroup v1 controllers, each mounted at the root of its hierarchy.</summary>
    private const string V1MountInfo = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    [Test]
    public void Should_make_children_below_the_hosts_own_cgroup_in_each_hierarchy()
    {
        const string cgroups = """
            8:pids:/
            4:memory:/process_api/abb55861
            2:cpu,cpuacct:/
            0::/
            """;

        var parents = CgroupParents.Parse(cgroups, V1MountInfo);

        Assert.That(parents, Is.EqualTo(new CgroupParents("/sys/fs/cgroup/memory/process_api/abb55861", "/sys/fs/cgroup/pids")));
    }

    [Test]
    public void Should_read_a_path_relative_to_the_part_of_the_hierarchy_a_container_mounts()
    {
        const string mountInfo = """
            35 31 0:32 /docker/4f2a /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory
            39 31 0:36 /docker/4f2a /sys/fs/cgroup/pids rw,nosuid - cgroup cgroup rw,pids
            """;
        const string cgroups = """
            6:pids:/docker/4f2a
            4:memory:/docker/4f2a/jobs
            """;

        var parents = CgroupParents.Parse(cgroups, mountInfo);

        Assert.That(parents, Is.EqualTo(new CgroupParents("/sys/fs/cgroup/memory/jobs", "/sys/fs/cgroup/pids")));
    }

    [Test]
    public void Should_find_none_on_a_machine_with_cgroup_v2_only()
    {
        const string mountInfo = "25 30 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot";

        var parents = CgroupParents.Parse("0::/user.slice/user-1000.slice/session-3.scope\n", mountInfo);

        Assert.That(parents, Is.EqualTo(CgroupParents.None));
    }
}

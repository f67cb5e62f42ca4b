using System.Globalization;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Agent;

/// <summary>
/// How the command runs when the local launcher sandboxes the task (docs/adr/0010-local-sandbox.md);
/// on ECS the task itself is the boundary and none of this applies. The agent stays outside, as root
/// in the host's network; only the command goes in, through programs that each exec the next, so its
/// pid is still the process group <see cref="CommandRunner"/> signals:
/// setsid → unshare (no network, own mounts and IPC) → a root step (joins the task's cgroups, hands
/// the working directory to the task's uid, builds the private filesystem view) → prlimit → setpriv
/// (the task's uid, no capabilities, no new privileges) → a last step that sets the job's variables.
/// </summary>
internal sealed class Sandbox
{
    /// <summary>What a process killed by SIGXCPU (RLIMIT_CPU's soft limit) exits with.</summary>
    public const int CpuLimitExitCode = 128 + 24;

    private const int DefaultMemoryMiB = 512;

    /// <summary>
    /// Runs as root inside the new namespaces. Arguments: the working directory, the uid, the size of
    /// /tmp in MiB, the cgroup folders to join, --, the agent's folder and the files of it the command
    /// may see, --, the rest of the chain. Everything at the top of the filesystem but /usr, /etc,
    /// /dev, /proc and /sys is hidden under an empty tmpfs; /tmp, /var/tmp and /dev/shm are private;
    /// /proc shows the task's own processes only.
    /// </summary>
    private const string RootStep = """
        fail() { echo "eventplatform sandbox: $*" >&2; exit 125; }
        command_path=$PATH PATH=/usr/sbin:/usr/bin:/sbin:/bin
        work=$1 uid=$2 tmp_mib=$3
        shift 3
        while [ "$1" != -- ]; do
          echo $$ > "$1/cgroup.procs" || fail "cannot join the cgroup $1"
          shift
        done
        shift
        program_dir=$1
        shift
        exec 3<"$program_dir" || fail "cannot open $program_dir"
        chown -R -h "$uid:$uid" . && chmod 700 . || fail "cannot hand $work to uid $uid"
        for entry in /* /.[!.]*; do
          if [ -L "$entry" ]; then continue; fi
          case $entry in
            /usr|/etc|/dev|/proc|/sys) ;;
            /tmp) mount -t tmpfs -o nosuid,nodev,mode=1777,size="$tmp_mib"m sandbox /tmp || fail "cannot mount a private /tmp" ;;
            *) if [ -d "$entry" ]; then
                 mount -t tmpfs -o nosuid,nodev,noexec,mode=755,size=64k sandbox "$entry" || fail "cannot hide $entry"
               elif [ -e "$entry" ]; then
                 mount --bind /dev/null "$entry" || fail "cannot hide $entry"
               fi ;;
          esac
        done
        if [ -d /var ] && [ ! -L /var ]; then
          mkdir -p /var/tmp && mount --bind /tmp /var/tmp || fail "cannot mount /var/tmp"
        fi
        mkdir -p "$work" && mount --no-canonicalize --bind /proc/self/cwd "$work" || fail "cannot mount $work"
        while [ "$1" != -- ]; do
          if [ ! -e "$program_dir/$1" ]; then
            mkdir -p "$program_dir" && : > "$program_dir/$1" \
              && mount --no-canonicalize --bind "/proc/self/fd/3/$1" "$program_dir/$1" || fail "cannot show $program_dir/$1"
          fi
          shift
        done
        shift
        exec 3<&-
        if [ -d /dev/shm ]; then
          mount -t tmpfs -o nosuid,nodev,mode=1777,size="$tmp_mib"m sandbox /dev/shm || fail "cannot mount a private /dev/shm"
        fi
        if [ -d /dev/mqueue ]; then
          mount -t tmpfs -o nosuid,nodev,noexec,mode=755,size=64k sandbox /dev/mqueue || fail "cannot hide /dev/mqueue"
        fi
        mount -t proc -o nosuid,nodev,noexec,hidepid=2 proc /proc || fail "cannot mount /proc"
        cd "$work" || fail "cannot enter $work"
        PATH=$command_path
        unset OLDPWD
        exec "$@" </dev/null
        """;

    private readonly IReadOnlyDictionary<string, string> tools;
    private readonly IReadOnlyList<KeyValuePair<string, string>> jobVariables;

    private Sandbox(
        int uid,
        string workDirectory,
        SandboxLimits limits,
        string? memoryCgroup,
        string? pidsCgroup,
        IReadOnlyList<KeyValuePair<string, string>> jobVariables,
        IReadOnlyDictionary<string, string> tools,
        ProgramFiles agentProgram)
    {
        Uid = uid;
        WorkDirectory = workDirectory;
        Limits = limits;
        MemoryCgroup = memoryCgroup;
        PidsCgroup = pidsCgroup;
        this.jobVariables = jobVariables;
        this.tools = tools;
        AgentProgram = agentProgram;
    }

    public int Uid { get; }

    public string WorkDirectory { get; }

    public SandboxLimits Limits { get; }

    /// <summary>The task's memory cgroup: it holds the memory limit, so no address-space limit is set.</summary>
    public string? MemoryCgroup { get; }

    public string? PidsCgroup { get; }

    /// <summary>The agent's own program, which the command may run (built-in workloads do); nothing else of its folder.</summary>
    public ProgramFiles AgentProgram { get; }

    /// <summary>Every process of the task: its uid's, and the members of its cgroups.</summary>
    public JobProcesses Processes() => new(Uid, [.. new[] { MemoryCgroup, PidsCgroup }.OfType<string>()], tools["setpriv"], tools["sh"]);

    /// <summary>The sandbox the launcher asked for, or null when it asked for none.</summary>
    /// <exception cref="SandboxException">The launcher asked for one that cannot be built.</exception>
    public static Sandbox? FromEnvironment() =>
        From(AgentEnvironment.Current(), Environment.CurrentDirectory, AgentEnvironment.FindTool, ProgramFiles.OfAgent());

    /// <summary>The sandbox <paramref name="environment"/> asks for; tools are found by <paramref name="findTool"/>, never on the job's PATH.</summary>
    /// <exception cref="SandboxException">The launcher asked for a sandbox that cannot be built.</exception>
    public static Sandbox? From(
        IReadOnlyDictionary<string, string> environment, string workDirectory, Func<string, string?> findTool, ProgramFiles agentProgram)
    {
        if (AgentEnvironment.Read(environment, SandboxVariables.Enabled) != "1")
        {
            return null;
        }

        if (AgentEnvironment.ReadNumber(environment, SandboxVariables.Uid) is not { } uid)
        {
            throw new SandboxException($"{SandboxVariables.Uid} must name the unprivileged uid the command runs as.", CommandRunner.AgentFailure);
        }

        var limits = new SandboxLimits(
            AgentEnvironment.ReadNumber(environment, SandboxVariables.MemoryMiB),
            AgentEnvironment.ReadNumber(environment, SandboxVariables.CpuSeconds),
            AgentEnvironment.ReadNumber(environment, SandboxVariables.Processes),
            AgentEnvironment.ReadNumber(environment, SandboxVariables.OpenFiles));

        var jobVariables = JobEnvironment.Read(environment);

        var tools = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tool in new[] { "setsid", "unshare", "sh", "prlimit", "setpriv" })
        {
            tools[tool] = findTool(tool)
                ?? throw new SandboxException($"The sandbox needs '{tool}' (util-linux, dash) in {string.Join(", ", AgentEnvironment.ToolFolders)}.", CommandRunner.AgentFailure);
        }

        return new Sandbox(
            uid,
            workDirectory,
            limits,
            AgentEnvironment.Read(environment, SandboxVariables.MemoryCgroup),
            AgentEnvironment.Read(environment, SandboxVariables.PidsCgroup),
            jobVariables,
            tools,
            agentProgram);
    }

    /// <summary>The whole command line: the chain, then the command.</summary>
    public IReadOnlyList<string> Wrap(string program, IEnumerable<string> arguments)
    {
        var line = new List<string>
        {
            tools["setsid"],
            tools["unshare"], "--net", "--mount", "--ipc", "--propagation", "private", "--",
            tools["sh"], "-c", RootStep, "eventplatform-sandbox", WorkDirectory, Text(Uid), Text(Limits.MemoryMiB ?? DefaultMemoryMiB),
        };
        line.AddRange(new[] { MemoryCgroup, PidsCgroup }.OfType<string>());
        line.Add("--");
        line.Add(AgentProgram.Directory);
        line.AddRange(AgentProgram.Names);
        line.Add("--");

        line.Add(tools["prlimit"]);
        if (Limits.OpenFiles is { } openFiles)
        {
            line.Add($"--nofile={Text(openFiles)}:{Text(openFiles)}");
        }

        if (Limits.Processes is { } processes)
        {
            // Counted per uid, which is the task's own: a fork bomb runs out of it, nobody else does.
            line.Add($"--nproc={Text(processes)}:{Text(processes)}");
        }

        if (Limits.CpuSeconds is { } cpuSeconds)
        {
            // SIGXCPU at the limit, SIGKILL a second later for a process that handles it.
            line.Add($"--cpu={Text(cpuSeconds)}:{Text(cpuSeconds + 1)}");
        }

        if (MemoryCgroup is null && Limits.MemoryMiB is { } memoryMiB)
        {
            // No cgroup to count the task's memory: each process gets the address space instead.
            var bytes = memoryMiB * 1024L * 1024L;
            line.Add($"--as={Text(bytes)}:{Text(bytes)}");
        }

        line.AddRange(["--core=0", "--"]);
        line.AddRange(JobEnvironment.AsUser(tools["setpriv"], tools["sh"], Uid, program, arguments));
        return line;
    }

    /// <summary>
    /// Leaves the command only what it needs of the agent's environment (never the store's settings or
    /// the sandbox's own), and the job's variables for the last step to set.
    /// </summary>
    public void PrepareEnvironment(IDictionary<string, string?> environment) => JobEnvironment.KeepForCommand(environment, jobVariables);

    /// <summary>The job's variables as <c>export NAME='value'</c> lines, quoted so no value is ever read as shell.</summary>
    public string JobScript() => JobEnvironment.ExportScript(jobVariables);

    /// <summary>The program as the job's PATH finds it, when the job sets one; else as the agent's does.</summary>
    public string? Locate(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal)
            || jobVariables.FirstOrDefault(e => e.Key == "PATH") is not { Value: { } path })
        {
            return ProgramLocator.Find(program);
        }

        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => ProgramLocator.Find(Path.Combine(directory, program)))
            .FirstOrDefault(found => found is not null);
    }

    /// <summary>Why the command ended, when a limit of the sandbox ended it; null otherwise.</summary>
    public string? ExplainExit(int exitCode)
    {
        if (OutOfMemoryKills() is > 0 and var kills)
        {
            return $"Out of memory: the kernel killed {Text(kills)} process(es) of the command for using more than the task's {Text(Limits.MemoryMiB ?? DefaultMemoryMiB)} MiB.";
        }

        return exitCode == CpuLimitExitCode && Limits.CpuSeconds is { } cpuSeconds
            ? $"CPU time limit: the command was killed for using more than {Text(cpuSeconds)} s of CPU time."
            : null;
    }

    private long OutOfMemoryKills()
    {
        if (MemoryCgroup is null)
        {
            return 0;
        }

        // cgroup v1 counts them in memory.oom_control, v2 in memory.events: "oom_kill N" in both.
        foreach (var file in new[] { "memory.oom_control", "memory.events" })
        {
            try
            {
                var line = File.ReadLines(Path.Combine(MemoryCgroup, file)).FirstOrDefault(l => l.StartsWith("oom_kill ", StringComparison.Ordinal));
                if (line is not null && long.TryParse(line["oom_kill ".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kills))
                {
                    return kills;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not this version's file, or the cgroup is gone.
            }
        }

        return 0;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The limits the sandbox applies; null leaves one unset.</summary>
internal sealed record SandboxLimits(int? MemoryMiB, int? CpuSeconds, int? Processes, int? OpenFiles);

using EventPlatform.Contracts.Agent;

namespace EventPlatform.Agent;

/// <summary>
/// How the command runs on ECS when the task definition sets <see cref="TaskVariables.CommandUid"/>
/// (docs/adr/0015-live-ecs-logs-and-the-task-roles-credentials.md). The agent stays root and keeps
/// the task role's credentials, which it needs to store artifacts; the command runs as that
/// unprivileged uid with no capabilities and no way to gain any, in a folder of its own, with an
/// environment of the job's variables and the documented EP_* ones only. So it never learns the
/// credentials' path (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI), and cannot read the agent's
/// environment either: /proc/{pid}/environ of another uid's process is refused.
/// The local launcher's sandbox (<see cref="Sandbox"/>) wins when both are asked for.
/// </summary>
internal sealed class CommandUser
{
    private readonly IReadOnlyList<KeyValuePair<string, string>> jobVariables;
    private readonly string setsid;
    private readonly string setpriv;
    private readonly string shell;

    private CommandUser(int uid, IReadOnlyList<KeyValuePair<string, string>> jobVariables, string setsid, string setpriv, string shell)
    {
        Uid = uid;
        this.jobVariables = jobVariables;
        this.setsid = setsid;
        this.setpriv = setpriv;
        this.shell = shell;
    }

    public int Uid { get; }

    /// <summary>The user the task definition asks for, or null when it asks for none (or the local sandbox applies).</summary>
    /// <exception cref="SandboxException">The setting cannot be honoured.</exception>
    public static CommandUser? FromEnvironment() => From(AgentEnvironment.Current(), AgentEnvironment.FindTool);

    /// <exception cref="SandboxException">The setting cannot be honoured.</exception>
    public static CommandUser? From(IReadOnlyDictionary<string, string> environment, Func<string, string?> findTool)
    {
        if (AgentEnvironment.Read(environment, TaskVariables.CommandUid) is null || AgentEnvironment.Read(environment, SandboxVariables.Enabled) == "1")
        {
            return null;
        }

        if (AgentEnvironment.ReadNumber(environment, TaskVariables.CommandUid) is not { } uid)
        {
            throw new SandboxException($"{TaskVariables.CommandUid} must be a positive whole number.", CommandRunner.AgentFailure);
        }

        var jobVariables = JobEnvironment.Read(environment);

        string Tool(string name) => findTool(name)
            ?? throw new SandboxException($"Running the command as uid {uid} needs '{name}' (util-linux, dash) in {string.Join(", ", AgentEnvironment.ToolFolders)}.", CommandRunner.AgentFailure);

        return new CommandUser(
            uid,
            jobVariables,
            Tool("setsid"),
            Tool("setpriv"),
            Tool("sh"));
    }

    /// <summary>
    /// A new folder for the command, owned by its uid. Not the agent's working directory: on ECS that is
    /// the image's, with the agent's own program files, which the command must not be able to replace.
    /// </summary>
    public string CreateWorkDirectory()
    {
        var work = Directory.CreateTempSubdirectory("ep-command-").FullName;
        Own(work);
        return work;
    }

    public void Own(string path) => NativeMethods.ChangeOwner(path, Uid);

    /// <summary>
    /// The command line: a session of its own (as without a user), the drop to the uid, then a shell
    /// step that sets the job's variables and becomes the command, as the local sandbox's last step.
    /// </summary>
    public IReadOnlyList<string> Wrap(string program, IEnumerable<string> arguments) =>
        [setsid, .. JobEnvironment.AsUser(setpriv, shell, Uid, program, arguments)];

    /// <summary>
    /// Leaves the documented variables, <c>HOME</c> as the command's folder, and the job's own variables
    /// as a script for the step after the drop: setsid and setpriv still run as root and must not see a
    /// job's LD_PRELOAD or the like. A job's own HOME or PATH replaces these in that step.
    /// </summary>
    public void PrepareEnvironment(IDictionary<string, string?> environment, string workDirectory)
    {
        JobEnvironment.KeepForCommand(environment, jobVariables);
        environment["HOME"] = workDirectory;
    }

    /// <summary>Every process the command left running, found by its uid; on ECS there is no cgroup of the command's own.</summary>
    public JobProcesses Processes() => new(Uid, [], setpriv, shell);
}

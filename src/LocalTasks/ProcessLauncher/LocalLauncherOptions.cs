namespace EventPlatform.LocalTasks.ProcessLauncher;

public sealed class LocalLauncherOptions
{
    public const string Section = "LocalLauncher";

    /// <summary>The built Agent; by default the copy the host's build placed beside it.</summary>
    public string AgentPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "EventPlatform.Agent.dll");

    /// <summary>Parent of every task's private working directory.</summary>
    public string WorkRoot { get; set; } = Path.Combine(Path.GetTempPath(), "eventplatform-tasks");

    /// <summary>How long a stopped task may take to exit after SIGTERM before it is killed.</summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Run each task's command in the sandbox (docs/adr/0010-local-sandbox.md): no network, a private
    /// filesystem view, a uid and limits of its own. It needs root; off only to develop without root.
    /// </summary>
    public bool Sandbox { get; set; } = true;

    /// <summary>The first of the uids the sandbox gives tasks, one each; no account may use the range.</summary>
    public int SandboxFirstUid { get; set; } = 200_000;

    public int SandboxUidCount { get; set; } = 10_000;

    /// <summary>The uids' lock files: one folder for every host on the machine, so no two give out the same uid.</summary>
    public string SandboxLockDirectory { get; set; } = "/run/eventplatform/sandbox-uids";
}

namespace EventPlatform.EcsBridge.LocalLauncher;

public sealed class LocalLauncherOptions
{
    public const string Section = "LocalLauncher";

    /// <summary>The built Agent; by default the copy the host's build placed beside it.</summary>
    public string AgentPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "EventPlatform.Agent.dll");

    /// <summary>Parent of every task's private working directory.</summary>
    public string WorkRoot { get; set; } = Path.Combine(Path.GetTempPath(), "eventplatform-tasks");

    /// <summary>How long a stopped task may take to exit after SIGTERM before it is killed.</summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(10);
}

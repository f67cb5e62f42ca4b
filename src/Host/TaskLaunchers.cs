namespace EventPlatform.Host;

/// <summary>Where this deployment's tasks run: <c>EcsBridge:Launcher</c>.</summary>
internal enum TaskLauncher
{
    /// <summary>The Agent in a sandboxed child process of the host (LocalTasks): the embedded default.</summary>
    Local,

    /// <summary>ECS Fargate (EcsBridge).</summary>
    Ecs,

    /// <summary>Nothing runs; every task succeeds at once (LocalTasks): benchmarks and API tests.</summary>
    Instant,
}

internal static class TaskLaunchers
{
    public const string Key = "EcsBridge:Launcher";

    /// <exception cref="HostConfigurationException">A launcher that does not exist.</exception>
    public static TaskLauncher From(IConfiguration configuration) =>
        (configuration[Key] ?? nameof(TaskLauncher.Local)).ToUpperInvariant() switch
        {
            "LOCAL" => TaskLauncher.Local,
            "ECS" => TaskLauncher.Ecs,
            "INSTANT" => TaskLauncher.Instant,
            _ => throw new HostConfigurationException($"{Key} '{configuration[Key]}' is not Local, Ecs or Instant."),
        };
}

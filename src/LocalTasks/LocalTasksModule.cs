using EventPlatform.Contracts.Artifacts;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge;
using EventPlatform.LocalTasks.InstantLauncher;
using EventPlatform.LocalTasks.ProcessLauncher;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventPlatform.LocalTasks;

/// <summary>How tasks run on one machine.</summary>
public enum LocalLauncher
{
    /// <summary>The Agent in a sandboxed child process of this host (docs/adr/0010-local-sandbox.md): the embedded default.</summary>
    Process,

    /// <summary>Nothing runs: every task succeeds the moment it starts (benchmarks, API tests).</summary>
    Instant,
}

public static class LocalTasksModule
{
    /// <summary>
    /// Runs tasks on this machine as the EcsBridge's <see cref="ITaskLauncher"/>, speaking ECS task
    /// state changes into its intake (docs/adr/0005-local-launcher-speaks-ecs-events.md). The process
    /// launcher reads sections <c>LocalLauncher</c> and <c>Artifacts</c>.
    /// </summary>
    public static IServiceCollection AddLocalTasks(this IServiceCollection services, IConfiguration configuration, LocalLauncher launcher)
    {
        services.TryAddSingleton(TimeProvider.System);
        switch (launcher)
        {
            case LocalLauncher.Process:
                services.AddOptions<LocalLauncherOptions>().Bind(configuration.GetSection(LocalLauncherOptions.Section));
                services.AddArtifactsSection(configuration);
                services.AddSingleton<ITaskLauncher, LocalTaskLauncher>();
                break;
            case LocalLauncher.Instant:
                services.AddSingleton<ITaskLauncher, InstantTaskLauncher>();
                break;
        }

        return services;
    }

    /// <summary>
    /// The output of attempts running on this machine, as the process launcher relays it to a file
    /// under <c>Artifacts:LocalRoot</c>: what a host that serves the API reads, launcher or not.
    /// </summary>
    public static IServiceCollection AddLocalLiveOutput(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddArtifactsSection(configuration);
        services.AddSingleton<ILiveOutput, LocalLiveOutput>();
        return services;
    }

    private static void AddArtifactsSection(this IServiceCollection services, IConfiguration configuration) =>
        services.AddOptions<ArtifactsOptions>()
            .Bind(configuration.GetSection(ArtifactsOptions.Section))
            .Validate(o => o.HasStore, ArtifactsOptions.StoreProblem)
            .ValidateOnStart();
}

using EventPlatform.EcsBridge.Artifacts;
using EventPlatform.EcsBridge.Ecs;
using EventPlatform.EcsBridge.InstantLauncher;
using EventPlatform.EcsBridge.LiveOutput;
using EventPlatform.EcsBridge.LocalLauncher;
using EventPlatform.EcsBridge.Sqs;
using EventPlatform.EcsBridge.TaskEvents;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventPlatform.EcsBridge;

public static class EcsBridgeModule
{
    /// <summary>
    /// Where tasks run: <c>EcsBridge:Launcher</c> = <c>Local</c> (child processes of this host, the
    /// embedded default), <c>Ecs</c> (Fargate, section <c>Ecs</c>) or <c>Instant</c> (benchmarks).
    /// Task state changes arrive from the local launcher, or from the SQS queue an EventBridge rule
    /// fills when <c>TaskEventsQueue:QueueUrl</c> is set.
    /// </summary>
    public static IServiceCollection AddEcsBridge(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TaskEventIntake>();

        switch (LauncherOf(configuration))
        {
            case Launcher.Ecs:
                services.AddEcsTaskLauncher(configuration);
                break;
            case Launcher.Local:
                services.AddOptions<LocalLauncherOptions>().Bind(configuration.GetSection(LocalLauncherOptions.Section));
                services.AddArtifactsOptions(configuration);
                services.AddSingleton<ITaskLauncher, LocalTaskLauncher>();
                break;
            case Launcher.Instant:
                services.AddArtifactsOptions(configuration);
                services.AddSingleton<ITaskLauncher, InstantTaskLauncher>();
                break;
        }

        services.AddLiveOutput(configuration);
        if (!string.IsNullOrEmpty(configuration[$"{SqsIntakeOptions.Section}:QueueUrl"]))
        {
            services.AddSqsTaskEventIntake(configuration);
        }

        return services;
    }

    /// <summary>
    /// The running attempts' output (<see cref="ILiveOutput"/>), read where the configured launcher
    /// keeps it: the local launcher's files, or the agent's CloudWatch log group on ECS. What a host
    /// that serves <c>GET /jobs/{id}/logs</c> needs, whether or not it launches tasks itself.
    /// </summary>
    public static IServiceCollection AddLiveOutput(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(ILiveOutput)))
        {
            return services;
        }

        if (LauncherOf(configuration) == Launcher.Ecs)
        {
            services.AddCloudWatchLiveOutput(configuration);
        }
        else
        {
            services.AddArtifactsOptions(configuration);
            services.AddSingleton<ILiveOutput, LocalLiveOutput>();
        }

        return services;
    }

    public static IBusRegistrationConfigurator AddEcsBridgeConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<LaunchTaskConsumer, LaunchTaskConsumerDefinition>();
        bus.AddConsumer<StopTaskConsumer, StopTaskConsumerDefinition>();
        bus.AddConsumer<ReconcileTaskConsumer>();
        return bus;
    }

    private enum Launcher
    {
        Local,
        Ecs,
        Instant,
    }

    private static Launcher LauncherOf(IConfiguration configuration) =>
        (configuration["EcsBridge:Launcher"] ?? "Local").ToUpperInvariant() switch
        {
            "LOCAL" => Launcher.Local,
            "ECS" => Launcher.Ecs,
            "INSTANT" => Launcher.Instant,
            _ => throw new InvalidOperationException($"EcsBridge:Launcher '{configuration["EcsBridge:Launcher"]}' is not Local, Ecs or Instant."),
        };
}

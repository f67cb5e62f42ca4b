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
    /// embedded default) or <c>Ecs</c> (Fargate, section <c>Ecs</c>). Task state changes arrive from
    /// the local launcher, or from the SQS queue an EventBridge rule fills when
    /// <c>TaskEventsQueue:QueueUrl</c> is set. The running attempts' output (<see cref="ILiveOutput"/>)
    /// is read where that launcher keeps it.
    /// </summary>
    public static IServiceCollection AddEcsBridge(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TaskEventIntake>();

        var launcher = configuration["EcsBridge:Launcher"] ?? "Local";
        if (string.Equals(launcher, "Ecs", StringComparison.OrdinalIgnoreCase))
        {
            services.AddEcsTaskLauncher(configuration);
        }
        else if (string.Equals(launcher, "Local", StringComparison.OrdinalIgnoreCase))
        {
            services.AddOptions<LocalLauncherOptions>().Bind(configuration.GetSection(LocalLauncherOptions.Section));
            services.AddArtifactsOptions(configuration);
            services.AddSingleton<ITaskLauncher, LocalTaskLauncher>();
            services.AddSingleton<ILiveOutput, LocalLiveOutput>();
        }
        else if (string.Equals(launcher, "Instant", StringComparison.OrdinalIgnoreCase))
        {
            services.AddArtifactsOptions(configuration);
            services.AddSingleton<ITaskLauncher, InstantTaskLauncher>();
            services.AddSingleton<ILiveOutput, LocalLiveOutput>();
        }
        else
        {
            throw new InvalidOperationException($"EcsBridge:Launcher '{launcher}' is neither Local nor Ecs.");
        }

        if (!string.IsNullOrEmpty(configuration[$"{SqsIntakeOptions.Section}:QueueUrl"]))
        {
            services.AddSqsTaskEventIntake(configuration);
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
}

using EventPlatform.EcsBridge.LocalLauncher;
using EventPlatform.EcsBridge.TaskEvents;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventPlatform.EcsBridge;

public static class EcsBridgeModule
{
    public static IServiceCollection AddEcsBridge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LocalLauncherOptions>().Bind(configuration.GetSection(LocalLauncherOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TaskEventIntake>();
        services.AddSingleton<ITaskLauncher, LocalTaskLauncher>();
        return services;
    }

    public static IBusRegistrationConfigurator AddEcsBridgeConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<LaunchTaskConsumer>();
        bus.AddConsumer<StopTaskConsumer>();
        return bus;
    }
}

using EventPlatform.Api;
using EventPlatform.EcsBridge;
using EventPlatform.EcsBridge.Ecs;
using EventPlatform.LocalTasks;
using EventPlatform.Projections;
using EventPlatform.Sagas;
using MassTransit;

namespace EventPlatform.Host;

/// <summary>
/// One host, any set of modules (<see cref="HostModules"/>): all four in the embedded default, one
/// per ECS service in AWS. Each module comes in through its own Add method; every host has the
/// event store, /healthz and JSON logs. See docs/adr/0014-rabbitmq-transport-and-module-hosts.md
/// and docs/adr/0019-a-host-that-composes.md.
/// </summary>
internal static class PlatformComposition
{
    /// <exception cref="HostConfigurationException">An unknown module, launcher or transport, or a setting that cannot work.</exception>
    public static PlatformModules AddPlatformModules(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        var modules = HostModules.From(configuration);
        var launcher = TaskLaunchers.From(configuration);

        builder.AddPlatformDefaults(modules);

        // First, so that a transport it cannot use is the error, whatever else is missing. The
        // async daemon needs no bus: a Projections-only host does not depend on the broker.
        if ((modules & ~PlatformModules.Projections) != 0)
        {
            services.AddMassTransit(bus =>
            {
                if (modules.HasFlag(PlatformModules.Sagas))
                {
                    bus.AddSagas(configuration);
                }

                if (modules.HasFlag(PlatformModules.EcsBridge))
                {
                    bus.AddEcsBridge(configuration, onEcs: launcher == TaskLauncher.Ecs);
                }

                bus.UsePlatformTransport(configuration);
            });
        }

        services.AddPlatformStore(configuration, modules);

        if (modules.HasFlag(PlatformModules.EcsBridge) && launcher != TaskLauncher.Ecs)
        {
            services.AddLocalTasks(configuration, launcher == TaskLauncher.Instant ? LocalLauncher.Instant : LocalLauncher.Process);
        }

        if (modules.HasFlag(PlatformModules.Api))
        {
            services.AddApi(configuration);

            // A running job's output is read where the launcher keeps it, whether or not this host launches.
            if (launcher == TaskLauncher.Ecs)
            {
                services.AddCloudWatchLiveOutput(configuration);
            }
            else
            {
                services.AddLocalLiveOutput(configuration);
            }
        }

        return modules;
    }

    /// <summary>
    /// The event store with what <paramref name="modules"/> add to it; with all of them, every table
    /// of the platform (what the migration applies).
    /// </summary>
    /// <exception cref="HostConfigurationException">No database, or a schema setting that does not exist.</exception>
    public static void AddPlatformStore(this IServiceCollection services, IConfiguration configuration, PlatformModules modules)
    {
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString(ProjectionsModule.ConnectionStringName)))
        {
            throw new HostConfigurationException(
                $"ConnectionStrings:{ProjectionsModule.ConnectionStringName} is not set: every host needs the PostgreSQL database "
                + $"(ConnectionStrings__{ProjectionsModule.ConnectionStringName}=\"Host=...;Username=...;Database=...\").");
        }

        SchemaMigration.SchemaCreationFrom(configuration);
        if (modules.HasFlag(PlatformModules.Projections))
        {
            services.AddProjections(configuration);
        }
        else
        {
            services.AddEventStore(configuration);
        }

        // The Sagas write the lifecycle's tables; the Api submits through them and reads them.
        if ((modules & (PlatformModules.Api | PlatformModules.Sagas)) != 0)
        {
            services.AddLifecycleStore(configuration);
        }

        if (modules.HasFlag(PlatformModules.Api))
        {
            services.AddApiDocuments();
        }
    }

    public static void UsePlatformModules(this WebApplication app, PlatformModules modules)
    {
        app.UsePlatformDefaults();
        if (modules.HasFlag(PlatformModules.Api))
        {
            app.MapApi();
        }
    }
}

using EventPlatform.Api.Admin.DeadLetters;
using EventPlatform.Api.Admin.Projections;
using EventPlatform.Api.Auth;
using EventPlatform.Api.Hosting.OpenApi;
using EventPlatform.Api.Jobs;
using EventPlatform.Api.Jobs.Artifacts;
using EventPlatform.Api.Jobs.Submitting;
using EventPlatform.Api.Stats;
using EventPlatform.EcsBridge;
using EventPlatform.Projections;
using EventPlatform.Sagas;
using MassTransit;

namespace EventPlatform.Api.Hosting;

/// <summary>
/// One host, any set of modules (<see cref="HostModules"/>): all four in the embedded default, one
/// per ECS service in AWS. Each module comes in through its own Add method; every host has the
/// event store, /healthz and JSON logs. See docs/adr/0014-rabbitmq-transport-and-module-hosts.md.
/// </summary>
internal static class PlatformComposition
{
    /// <exception cref="HostConfigurationException">An unknown module or transport, or a broker setting that cannot work.</exception>
    public static PlatformModules AddPlatformModules(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        var modules = HostModules.From(configuration);

        builder.AddPlatformDefaults();

        // First, so that a transport it cannot use is the error, whatever else is missing. The
        // async daemon needs no bus: a Projections-only host does not depend on the broker.
        if ((modules & ~PlatformModules.Projections) != 0)
        {
            services.AddMassTransit(bus =>
            {
                if (modules.HasFlag(PlatformModules.Sagas))
                {
                    bus.AddSagaConsumers();
                    bus.AddDeadLetterRecorders();
                }

                if (modules.HasFlag(PlatformModules.EcsBridge))
                {
                    bus.AddEcsBridgeConsumers();
                }

                bus.UsePlatformTransport(configuration);
            });
        }

        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString(ProjectionsModule.ConnectionStringName)))
        {
            throw new HostConfigurationException(
                $"ConnectionStrings:{ProjectionsModule.ConnectionStringName} is not set: every host needs the PostgreSQL database "
                + $"(ConnectionStrings__{ProjectionsModule.ConnectionStringName}=\"Host=...;Username=...;Database=...\").");
        }

        if (modules.HasFlag(PlatformModules.Projections))
        {
            services.AddProjections(configuration);
        }
        else
        {
            services.AddEventStore(configuration);
        }

        if (modules.HasFlag(PlatformModules.Api))
        {
            builder.AddApiKeyAuth();
            builder.AddSubmissionRateLimit();
            services.AddJobSubmissions(configuration);
            services.AddJobArtifacts(configuration);
            services.AddLiveOutput(configuration);
            services.AddPlatformOpenApi();
        }

        if (modules.HasFlag(PlatformModules.Sagas))
        {
            services.AddSagas(configuration);
        }

        if (modules.HasFlag(PlatformModules.EcsBridge))
        {
            services.AddEcsBridge(configuration);
        }

        // The Api lists and re-drives dead letters; the Sagas host records them.
        if ((modules & (PlatformModules.Api | PlatformModules.Sagas)) != 0)
        {
            services.AddDeadLetters();
        }

        return modules;
    }

    public static void UsePlatformModules(this WebApplication app, PlatformModules modules)
    {
        app.UsePlatformDefaults();
        if (modules.HasFlag(PlatformModules.Api))
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.UseRateLimiter();
            app.MapPlatformOpenApi();
            app.MapJobsApi();
            app.MapDeadLetters();
            app.MapProjectionsAdmin();
            app.MapStats();
        }
    }
}

using MassTransit;

namespace EventPlatform.Api.Hosting;

/// <summary>The one place that chooses the broker (docs/adr/0001-missing-packages.md).</summary>
internal static class BusTransport
{
    public static void UsePlatformTransport(this IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        var transport = configuration["Bus:Transport"] ?? "InMemory";
        if (!string.Equals(transport, "InMemory", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Bus:Transport '{transport}' is not supported yet; use InMemory.");
        }

        bus.AddDelayedMessageScheduler();
        bus.UsingInMemory((context, cfg) =>
        {
            cfg.UseDelayedMessageScheduler();
            cfg.UseJobLogScope(context);
            cfg.ConfigureEndpoints(context);
        });
    }
}

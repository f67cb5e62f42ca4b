using System.Net.Security;
using EventPlatform.Contracts;
using MassTransit;

namespace EventPlatform.Host;

/// <summary>
/// The one place that chooses the broker: <c>Bus:Transport</c> = <c>InMemory</c> (the embedded
/// default, one process) or <c>RabbitMQ</c> (durable, across processes; Amazon MQ in AWS). See
/// docs/adr/0014-rabbitmq-transport-and-module-hosts.md.
/// </summary>
internal static class BusTransport
{
    public const string Key = "Bus:Transport";

    public static void UsePlatformTransport(this IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        // MassTransit reports usage to its vendor over the internet unless told not to; a job
        // platform's hosts send nothing anywhere they were not configured to.
        bus.DisableUsageTelemetry();

        var transport = configuration[Key] ?? "InMemory";
        if (string.Equals(transport, "InMemory", StringComparison.OrdinalIgnoreCase))
        {
            bus.UsingInMemory((context, cfg) =>
            {
                cfg.UseConsumeFilter(typeof(JobLogScopeFilter<>), context);
                cfg.PublishConcreteTypesOnly();
                cfg.ConfigureEndpoints(context);
            });
        }
        else if (string.Equals(transport, "RabbitMQ", StringComparison.OrdinalIgnoreCase))
        {
            var broker = RabbitMqBroker.From(configuration);
            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(broker.Host, broker.Port, broker.VirtualHost, host =>
                {
                    host.Username(broker.Username);
                    host.Password(broker.Password);
                    if (broker.UseTls)
                    {
                        host.UseSsl(ssl =>
                        {
                            ssl.ServerName = broker.Host;
                            ssl.EnforcePolicyErrors(SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors);
                        });
                    }
                });
                cfg.UseConsumeFilter(typeof(JobLogScopeFilter<>), context);
                cfg.PublishConcreteTypesOnly();

                // Endpoint names come from the consumer and saga types alone, so every process
                // that hosts a module binds the same durable queues.
                cfg.ConfigureEndpoints(context);
            });
        }
        else
        {
            throw new HostConfigurationException($"{Key} '{transport}' is unknown; use InMemory or RabbitMQ.");
        }
    }

    /// <summary>
    /// <see cref="IJobMessage"/> and <see cref="IJobEvent"/> are how the code reads any job's message;
    /// nobody subscribes to them, so no exchange is made for them.
    /// </summary>
    private static void PublishConcreteTypesOnly(this IBusFactoryConfigurator cfg)
    {
        cfg.Publish<IJobMessage>(publish => publish.Exclude = true);
        cfg.Publish<IJobEvent>(publish => publish.Exclude = true);
    }
}

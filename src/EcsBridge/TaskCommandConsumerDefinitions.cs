using MassTransit;

namespace EventPlatform.EcsBridge;

/// <summary>
/// A launcher call that throws is tried a few more times; then MassTransit faults the message, it is
/// dead-lettered, and the job's saga hears the launch failed (see the Sagas' DeadLetterRecorder).
/// </summary>
internal sealed class TaskCommandConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(100, 500, 2_000));
}

using MassTransit;

namespace EventPlatform.EcsBridge;

/// <summary>
/// A launcher call that throws is tried a few more times; then MassTransit faults the message, it is
/// dead-lettered, and the job's saga hears the launch failed (see the Sagas' DeadLetterRecorder).
/// </summary>
internal sealed class LaunchTaskConsumerDefinition : ConsumerDefinition<LaunchTaskConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LaunchTaskConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(100, 500, 2_000));
}

internal sealed class StopTaskConsumerDefinition : ConsumerDefinition<StopTaskConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<StopTaskConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(100, 500, 2_000));
}

using MassTransit;

namespace EventPlatform.Sagas.Jobs;

/// <summary>
/// Retry answers lost optimistic-concurrency races by replaying the message on fresh state; the
/// outbox holds everything a transition publishes or schedules until its commit succeeded.
/// </summary>
public sealed class JobStateMachineDefinition : SagaDefinition<JobState>
{
    protected override void ConfigureSaga(
        IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<JobState> sagaConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(
            retryLimit: 8, minInterval: TimeSpan.FromMilliseconds(5), maxInterval: TimeSpan.FromSeconds(1), intervalDelta: TimeSpan.FromMilliseconds(20)));
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}

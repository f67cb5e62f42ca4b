using EventPlatform.Contracts;
using MassTransit;

namespace EventPlatform.Sagas.DeadLetters;

internal static class DeadLetterRegistration
{
    /// <summary>A recorder for every message about a job the platform sends.</summary>
    public static IBusRegistrationConfigurator AddDeadLetterRecorders(this IBusRegistrationConfigurator bus)
    {
        foreach (var message in ContractTypes.JobMessages)
        {
            bus.AddConsumer(typeof(DeadLetterRecorder<>).MakeGenericType(message));
        }

        return bus;
    }
}

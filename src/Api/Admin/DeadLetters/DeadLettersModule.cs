using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using Marten;
using MassTransit;

namespace EventPlatform.Api.Admin.DeadLetters;

internal static class DeadLettersModule
{
    public static IServiceCollection AddDeadLetters(this IServiceCollection services)
    {
        services.ConfigureMarten(options => options.AddDeadLetters());
        return services;
    }

    /// <summary>A recorder for every message the platform consumes.</summary>
    public static IBusRegistrationConfigurator AddDeadLetterRecorders(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<DeadLetterRecorder<LaunchTask>>();
        bus.AddConsumer<DeadLetterRecorder<StopTask>>();
        bus.AddConsumer<DeadLetterRecorder<TaskStarted>>();
        bus.AddConsumer<DeadLetterRecorder<TaskStopped>>();
        bus.AddConsumer<DeadLetterRecorder<TaskLaunchFailed>>();
        bus.AddConsumer<DeadLetterRecorder<JobSubmitted>>();
        bus.AddConsumer<DeadLetterRecorder<JobAdmitted>>();
        bus.AddConsumer<DeadLetterRecorder<CancelJob>>();
        bus.AddConsumer<DeadLetterRecorder<JobStartDeadlineReached>>();
        bus.AddConsumer<DeadLetterRecorder<JobRunDeadlineReached>>();
        bus.AddConsumer<DeadLetterRecorder<JobStopDeadlineReached>>();
        bus.AddConsumer<DeadLetterRecorder<JobRetryDue>>();
        return bus;
    }
}

using EventPlatform.Sagas.Jobs;
using EventPlatform.Sagas.Persistence;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventPlatform.Sagas;

public static class SagasModule
{
    public static IServiceCollection AddSagas(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobLifecycleOptions>().Bind(configuration.GetSection(JobLifecycleOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    public static IBusRegistrationConfigurator AddSagaConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddSagaStateMachine<Jobs.JobStateMachine, JobState, JobStateMachineDefinition>().EventSourcedMartenRepository();
        return bus;
    }
}

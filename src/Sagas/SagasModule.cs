using EventPlatform.Sagas.Admission;
using EventPlatform.Sagas.Jobs;
using EventPlatform.Sagas.Persistence;
using EventPlatform.Sagas.Reconciliation;
using EventPlatform.Sagas.Scheduling;
using Marten;
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
        services.AddOptions<SchedulerOptions>().Bind(configuration.GetSection(SchedulerOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AdmissionOptions>().Bind(configuration.GetSection(AdmissionOptions.Section));
        services.AddSingleton<AdmissionSignal>();
        services.AddOptions<ReconciliationOptions>().Bind(configuration.GetSection(ReconciliationOptions.Section));
        services.ConfigureMarten(options =>
        {
            options.AddScheduledMessages().AddAdmission();

            // The reconciler asks for every running job's task.
            options.Schema.For<JobState>().Index(x => x.CurrentState);
        });

        var scheduler = configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>() ?? new SchedulerOptions();
        if (scheduler.RunDispatcher)
        {
            services.AddHostedService<ScheduledMessageDispatcher>();
        }

        var reconciliation = configuration.GetSection(ReconciliationOptions.Section).Get<ReconciliationOptions>() ?? new ReconciliationOptions();
        if (reconciliation.RunReconciler)
        {
            services.AddHostedService<TaskReconciler>();
        }

        var admission = configuration.GetSection(AdmissionOptions.Section).Get<AdmissionOptions>() ?? new AdmissionOptions();
        if (admission.RunController)
        {
            services.AddHostedService<AdmissionController>();
        }

        return services;
    }

    public static IBusRegistrationConfigurator AddSagaConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddSagaStateMachine<Jobs.JobStateMachine, JobState, JobStateMachineDefinition>().EventSourcedMartenRepository();
        bus.AddConsumeObserver<AdmissionWakeUp>();
        return bus;
    }
}

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
using Microsoft.Extensions.Options;

namespace EventPlatform.Sagas;

public static class SagasModule
{
    /// <summary>
    /// The Sagas module's background work (timer dispatcher, reconciler, admission controller, each
    /// unless switched off) on top of <see cref="AddJobSubmissions"/>; its consumers are
    /// <see cref="AddSagaConsumers"/>.
    /// </summary>
    public static IServiceCollection AddSagas(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddJobSubmissions(configuration);
        services.AddOptions<SchedulerOptions>().Bind(configuration.GetSection(SchedulerOptions.Section));
        services.AddSingleton<AdmissionSignal>();
        services.AddOptions<ReconciliationOptions>().Bind(configuration.GetSection(ReconciliationOptions.Section));
        services.ConfigureMarten(options =>
        {
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

    /// <summary>
    /// What a process that takes submissions (the Api) shares with the sagas: the lifecycle and
    /// admission settings, and the tables a submission writes (its recovery timer) and a status
    /// query reads (the admission line). Registered once, however many modules ask.
    /// </summary>
    public static IServiceCollection AddJobSubmissions(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(IConfigureOptions<JobLifecycleOptions>)))
        {
            return services;
        }

        services.AddOptions<JobLifecycleOptions>().Bind(configuration.GetSection(JobLifecycleOptions.Section));
        services.AddOptions<AdmissionOptions>().Bind(configuration.GetSection(AdmissionOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.ConfigureMarten(options => options.AddScheduledMessages().AddAdmission());
        return services;
    }

    public static IBusRegistrationConfigurator AddSagaConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddSagaStateMachine<Jobs.JobStateMachine, JobState, JobStateMachineDefinition>().EventSourcedMartenRepository();
        bus.AddConsumeObserver<AdmissionWakeUp>();
        return bus;
    }
}

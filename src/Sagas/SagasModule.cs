using EventPlatform.Sagas.Admission;
using EventPlatform.Sagas.DeadLetters;
using EventPlatform.Sagas.Jobs;
using EventPlatform.Sagas.Persistence;
using EventPlatform.Sagas.Reconciliation;
using EventPlatform.Sagas.Scheduling;
using EventPlatform.Sagas.Telemetry;
using Marten;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventPlatform.Sagas;

public static class SagasModule
{
    /// <summary>
    /// The job lifecycle: the saga and a dead-letter recorder for every job message on the bus, and the
    /// background work (timer dispatcher, reconciler, admission controller, each unless switched off).
    /// Needs <see cref="AddLifecycleStore"/> in the same host.
    /// </summary>
    public static IBusRegistrationConfigurator AddSagas(this IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        bus.AddSagaStateMachine<Jobs.JobStateMachine, JobState, JobStateMachineDefinition>().EventSourcedMartenRepository();
        bus.AddConsumeObserver<AdmissionWakeUp>();
        bus.AddDeadLetterRecorders();

        bus.AddOptions<SchedulerOptions>().Bind(configuration.GetSection(SchedulerOptions.Section));
        bus.AddSingleton<AdmissionSignal>();
        bus.AddMetrics();
        bus.AddSingleton<LifecycleMetrics>();
        bus.AddSingleton<ISagaCommitObserver<JobState>>(provider => provider.GetRequiredService<LifecycleMetrics>());
        bus.AddOptions<TelemetryGaugeOptions>().Bind(configuration.GetSection(TelemetryGaugeOptions.Section));
        bus.AddOptions<ReconciliationOptions>().Bind(configuration.GetSection(ReconciliationOptions.Section));

        var scheduler = configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>() ?? new SchedulerOptions();
        if (scheduler.RunDispatcher)
        {
            bus.AddHostedService<ScheduledMessageDispatcher>();
        }

        var reconciliation = configuration.GetSection(ReconciliationOptions.Section).Get<ReconciliationOptions>() ?? new ReconciliationOptions();
        if (reconciliation.RunReconciler)
        {
            bus.AddHostedService<TaskReconciler>();
        }

        var admission = configuration.GetSection(AdmissionOptions.Section).Get<AdmissionOptions>() ?? new AdmissionOptions();
        if (admission.RunController)
        {
            bus.AddHostedService<AdmissionController>();
        }

        var gauges = configuration.GetSection(TelemetryGaugeOptions.Section).Get<TelemetryGaugeOptions>() ?? new TelemetryGaugeOptions();
        if (gauges.Run)
        {
            bus.AddHostedService<LifecycleGauges>();
        }

        return bus;
    }

    /// <summary>
    /// The lifecycle's settings and its tables beside the event store (the saga documents, timers, the
    /// admission line and slots, dead letters): the Sagas write them; the Api submits through them (a
    /// submission's recovery timer) and reads them (a waiting job's place in line, the dead letters).
    /// Composed once by a host that runs either, and by the migration, which creates every table.
    /// </summary>
    public static IServiceCollection AddLifecycleStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobLifecycleOptions>().Bind(configuration.GetSection(JobLifecycleOptions.Section));
        services.AddOptions<AdmissionOptions>().Bind(configuration.GetSection(AdmissionOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.ConfigureMarten(options =>
        {
            options.AddScheduledMessages().AddAdmission().AddDeadLetters().MapEventSourcedSaga<JobState>();

            // The reconciler asks for every running job's task.
            options.Schema.For<JobState>().Index(x => x.CurrentState);
        });
        return services;
    }
}

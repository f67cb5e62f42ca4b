using EventPlatform.EcsBridge.Ecs;
using EventPlatform.EcsBridge.Sqs;
using EventPlatform.EcsBridge.TaskEvents;
using EventPlatform.EcsBridge.Telemetry;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventPlatform.EcsBridge;

public static class EcsBridgeModule
{
    /// <summary>
    /// The bridge between the bus and wherever tasks run: LaunchTask, StopTask and ReconcileTask go to
    /// the <see cref="ITaskLauncher"/> (ECS with <paramref name="onEcs"/>; otherwise one a one-machine
    /// module registers), and every task state change comes back through one <see cref="TaskEventIntake"/>:
    /// from a local launcher, or from the SQS queue an EventBridge rule fills when
    /// <c>TaskEventsQueue:QueueUrl</c> is set.
    /// </summary>
    public static IBusRegistrationConfigurator AddEcsBridge(this IBusRegistrationConfigurator bus, IConfiguration configuration, bool onEcs)
    {
        bus.TryAddSingleton(TimeProvider.System);
        bus.AddMetrics();
        bus.AddSingleton<BridgeMetrics>();
        bus.AddSingleton<TaskEventIntake>();
        bus.AddConsumer<LaunchTaskConsumer, TaskCommandConsumerDefinition<LaunchTaskConsumer>>();
        bus.AddConsumer<StopTaskConsumer, TaskCommandConsumerDefinition<StopTaskConsumer>>();
        bus.AddConsumer<ReconcileTaskConsumer>();
        if (onEcs)
        {
            bus.AddEcsTaskLauncher(configuration);
        }

        if (!string.IsNullOrEmpty(configuration[$"{SqsIntakeOptions.Section}:QueueUrl"]))
        {
            bus.AddSqsTaskEventIntake(configuration);
        }

        return bus;
    }
}

using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.DeadLetters;
using EventPlatform.Sagas.Scheduling;
using MassTransit;
using MassTransit.Middleware;

namespace EventPlatform.Sagas.Jobs;

/// <summary>
/// One job's messages are handled one at a time in arrival order (a partition per job id), so a
/// task that starts and stops within milliseconds still tells its story in order. Optimistic
/// concurrency stays the guarantee across processes: retry answers a lost race by replaying the
/// message on fresh state. The outbox holds everything a transition publishes or schedules until
/// its commit succeeded. A dispatched timer is acknowledged once handled (<see cref="AcknowledgeTimerFilter{T}"/>).
/// </summary>
public sealed class JobStateMachineDefinition : SagaDefinition<JobState>
{
    private const int PartitionCount = 64;

    protected override void ConfigureSaga(
        IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<JobState> sagaConfigurator,
        IRegistrationContext context)
    {
        // Outermost: a timer is acknowledged once its delivery is handled or dead-lettered, after every retry.
        endpointConfigurator.UseConsumeFilter(typeof(AcknowledgeTimerFilter<>), context);
        // A message that cannot be read raises no Fault<T>: keep it before MassTransit's own error handling moves it.
        endpointConfigurator.ConfigureError(error =>
        {
            error.UseFilter(new UnreadableMessageFilter(context));
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new ErrorTransportFilter());
        });
        endpointConfigurator.UseMessageRetry(retry => retry.Exponential(
            retryLimit: 8, minInterval: TimeSpan.FromMilliseconds(5), maxInterval: TimeSpan.FromSeconds(1), intervalDelta: TimeSpan.FromMilliseconds(20)));
        endpointConfigurator.UseInMemoryOutbox(context);

        var partition = endpointConfigurator.CreatePartitioner(PartitionCount);
        sagaConfigurator.Message<JobSubmitted>(m => m.UsePartitioner(partition, x => x.Message.JobId));
        sagaConfigurator.Message<CancelJob>(m => m.UsePartitioner(partition, x => x.Message.JobId));
        sagaConfigurator.Message<TaskStarted>(m => m.UsePartitioner(partition, x => x.Message.JobId));
        sagaConfigurator.Message<TaskStopped>(m => m.UsePartitioner(partition, x => x.Message.JobId));
        sagaConfigurator.Message<TaskLaunchFailed>(m => m.UsePartitioner(partition, x => x.Message.JobId));
        sagaConfigurator.Message<JobStartDeadlineReached>(m => m.UsePartitioner(partition, x => x.Message.JobId));
        sagaConfigurator.Message<JobRunDeadlineReached>(m => m.UsePartitioner(partition, x => x.Message.JobId));
        sagaConfigurator.Message<JobStopDeadlineReached>(m => m.UsePartitioner(partition, x => x.Message.JobId));
        sagaConfigurator.Message<JobRetryDue>(m => m.UsePartitioner(partition, x => x.Message.JobId));
        sagaConfigurator.Message<JobAdmitted>(m => m.UsePartitioner(partition, x => x.Message.JobId));
    }
}

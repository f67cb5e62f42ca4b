using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.Telemetry;
using MassTransit;

namespace EventPlatform.EcsBridge;

internal sealed class ReconcileTaskConsumer(ITaskLauncher launcher, BridgeMetrics metrics) : IConsumer<ReconcileTask>
{
    public async Task Consume(ConsumeContext<ReconcileTask> context)
    {
        var answer = await launcher.ReconcileAsync(context.Message, context.CancellationToken).ConfigureAwait(false);
        metrics.Found(answer switch
        {
            TaskStarted => "running",
            TaskStopped { StopCode: TaskLost.StopCode } => "lost",
            TaskStopped => "stopped",
            _ => "nothing_new",
        });
        if (answer is not null)
        {
            await context.Publish(answer, answer.GetType()).ConfigureAwait(false);
        }
    }
}

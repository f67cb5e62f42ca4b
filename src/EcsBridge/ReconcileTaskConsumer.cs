using EventPlatform.Contracts.Tasks;
using MassTransit;

namespace EventPlatform.EcsBridge;

internal sealed class ReconcileTaskConsumer(ITaskLauncher launcher) : IConsumer<ReconcileTask>
{
    public async Task Consume(ConsumeContext<ReconcileTask> context)
    {
        if (await launcher.ReconcileAsync(context.Message, context.CancellationToken).ConfigureAwait(false) is { } answer)
        {
            await context.Publish(answer, answer.GetType()).ConfigureAwait(false);
        }
    }
}

using EventPlatform.Contracts.Tasks;
using MassTransit;

namespace EventPlatform.EcsBridge;

internal sealed class LaunchTaskConsumer(ITaskLauncher launcher) : IConsumer<LaunchTask>
{
    public Task Consume(ConsumeContext<LaunchTask> context) => launcher.LaunchAsync(context.Message, context.CancellationToken);
}

internal sealed class StopTaskConsumer(ITaskLauncher launcher) : IConsumer<StopTask>
{
    public Task Consume(ConsumeContext<StopTask> context) => launcher.StopAsync(context.Message, context.CancellationToken);
}

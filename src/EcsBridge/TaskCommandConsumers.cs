using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.Telemetry;
using MassTransit;

namespace EventPlatform.EcsBridge;

internal sealed class LaunchTaskConsumer(ITaskLauncher launcher, BridgeMetrics metrics) : IConsumer<LaunchTask>
{
    /// <summary>A refused launch is news for the job's saga, not a consumer fault to retry here.</summary>
    public async Task Consume(ConsumeContext<LaunchTask> context)
    {
        try
        {
            await launcher.LaunchAsync(context.Message, context.CancellationToken).ConfigureAwait(false);
            metrics.Launched(BridgeMetrics.LauncherName(launcher));
        }
        catch (TaskLaunchException ex)
        {
            metrics.LaunchFailed(BridgeMetrics.LauncherName(launcher), ex.Retryable);
            await context.Publish(new TaskLaunchFailed(context.Message.JobId, context.Message.Attempt, ex.Message, ex.Retryable))
                .ConfigureAwait(false);
        }
    }
}

internal sealed class StopTaskConsumer(ITaskLauncher launcher) : IConsumer<StopTask>
{
    public Task Consume(ConsumeContext<StopTask> context) => launcher.StopAsync(context.Message, context.CancellationToken);
}

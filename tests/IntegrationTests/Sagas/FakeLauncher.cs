using System.Collections.Concurrent;
using System.Globalization;
using EventPlatform.Contracts.Tasks;
using MassTransit;

namespace EventPlatform.IntegrationTests.Sagas;

/// <summary>
/// Answers LaunchTask as a task would: started at once, stopped with exit 0 after the job's
/// DURATION_MS (env), or at once when asked to stop. Records every launch, in order.
/// </summary>
internal sealed class FakeLauncher(IBus bus) : IConsumer<LaunchTask>, IConsumer<StopTask>
{
    public const string DurationVariable = "DURATION_MS";

    private static readonly ConcurrentDictionary<(Guid, int), CancellationTokenSource> Running = new();

    public static ConcurrentQueue<(Guid JobId, int Attempt, DateTimeOffset At)> Launches { get; } = new();

    public async Task Consume(ConsumeContext<LaunchTask> context)
    {
        var launch = context.Message;
        var key = (launch.JobId, launch.Attempt);
        var stop = new CancellationTokenSource();
        if (!Running.TryAdd(key, stop))
        {
            stop.Dispose();
            return;
        }

        Launches.Enqueue((launch.JobId, launch.Attempt, DateTimeOffset.UtcNow));
        var taskId = $"fake-{launch.JobId:N}-{launch.Attempt}";
        await bus.Publish(new TaskStarted(launch.JobId, launch.Attempt, taskId, DateTimeOffset.UtcNow));
        var duration = launch.Spec.Env.TryGetValue(DurationVariable, out var ms) ? int.Parse(ms, CultureInfo.InvariantCulture) : 0;
        _ = Task.Run(async () =>
        {
            var stopped = false;
            try
            {
                await Task.Delay(duration, stop.Token);
            }
            catch (OperationCanceledException)
            {
                stopped = true;
            }

            Running.TryRemove(key, out _);
            stop.Dispose();
            await bus.Publish(new TaskStopped(
                launch.JobId, launch.Attempt, taskId, stopped ? 143 : 0, stopped ? "UserInitiated" : "EssentialContainerExited", null, DateTimeOffset.UtcNow));
        });
    }

    public Task Consume(ConsumeContext<StopTask> context)
    {
        if (Running.TryGetValue((context.Message.JobId, context.Message.Attempt), out var stop))
        {
            stop.Cancel();
        }

        return Task.CompletedTask;
    }
}

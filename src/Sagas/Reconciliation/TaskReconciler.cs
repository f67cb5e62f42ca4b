using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Jobs;
using Marten;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventPlatform.Sagas.Reconciliation;

/// <summary>
/// An EventBridge event can be lost, and a local launcher forgets its tasks when its host dies.
/// At start-up and then periodically, every job whose task should be running is checked with
/// the launcher, which answers with the stop that never arrived (or that the task is lost); the
/// saga takes that like any other task event, so a repeat is harmless.
/// </summary>
internal sealed partial class TaskReconciler(
    IDocumentStore store,
    IBus bus,
    IOptions<ReconciliationOptions> options,
    ILogger<TaskReconciler> logger) : BackgroundService
{
    private readonly ReconciliationOptions settings = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(settings.StartupDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed pass is retried at the next interval.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogPassFailed(ex);
            }

            await Task.Delay(settings.Interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    internal async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var running = await session.Query<JobState>()
            .Where(x => (x.CurrentState == "Running" || x.CurrentState == "Cancelling") && x.TaskId != null)
            .Select(x => new { x.CorrelationId, x.Attempt, x.TaskId, x.EventCorrelationId })
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        foreach (var job in running)
        {
            await bus.Publish(
                new ReconcileTask(job.CorrelationId, job.Attempt, job.TaskId!),
                context => context.ConversationId = JobState.ConversationOf(job.EventCorrelationId) ?? context.ConversationId,
                cancellationToken).ConfigureAwait(false);
        }

        LogPass(running.Count);
        return running.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation asked about {Count} running tasks")]
    private partial void LogPass(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation pass failed; trying again at the next interval")]
    private partial void LogPassFailed(Exception exception);
}

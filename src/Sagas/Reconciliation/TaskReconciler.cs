using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Jobs;
using EventPlatform.Sagas.Telemetry;
using Marten;
using MassTransit;
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
    ILogger<TaskReconciler> logger) : PollingLoop(logger)
{
    /// <summary>The saga's states in which a job has, or is about to have, a task that should be alive.</summary>
    private const string Starting = nameof(JobPhase.Starting);
    private const string Running = nameof(JobPhase.Running);
    private const string Cancelling = nameof(Jobs.JobStateMachine.Cancelling);

    private readonly ReconciliationOptions settings = options.Value;

    protected override string Activity => "Reconciliation pass";

    protected override TimeSpan StartupDelay => settings.StartupDelay;

    protected override async Task<bool> RunRoundAsync(CancellationToken cancellationToken)
    {
        await ReconcileAsync(cancellationToken).ConfigureAwait(false);
        return false;
    }

    protected override Task WaitAsync(CancellationToken cancellationToken) => DelayAsync(settings.Interval, cancellationToken);

    internal async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        // A starting job's RUNNING or STOPPED event may have been lost too: its launcher is asked
        // about the attempt (it names no task), and says nothing while the task is still starting.
        var running = await session.Query<JobState>()
            .Where(x => ((x.CurrentState == Running || x.CurrentState == Cancelling) && x.TaskId != null) || x.CurrentState == Starting)
            .Select(x => new { x.CorrelationId, x.Attempt, x.TaskId, x.EventCorrelationId, x.CurrentState, x.TraceParent })
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        foreach (var job in running)
        {
            using var span = JobTrace.Resume(job.TraceParent, "reconciliation");
            await bus.Publish(
                new ReconcileTask(job.CorrelationId, job.Attempt, job.CurrentState == Starting ? null : job.TaskId),
                context => context.ConversationId = JobState.ConversationOf(job.EventCorrelationId) ?? context.ConversationId,
                cancellationToken).ConfigureAwait(false);
        }

        LogPass(running.Count);
        return running.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation asked about {Count} starting or running tasks")]
    private partial void LogPass(int count);
}

using System.Collections.Concurrent;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.Telemetry;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace EventPlatform.EcsBridge.TaskEvents;

/// <summary>
/// The one door every task state change comes through (SQS poller or local launcher):
/// translates it, drops stale or repeated versions of a live task, and publishes the rest.
/// Dropping here saves work; correctness does not depend on it, because the saga ignores
/// whatever no longer fits the job's state.
/// </summary>
public sealed partial class TaskEventIntake(IBus bus, ILogger<TaskEventIntake> logger, ITaskAttempts? taskAttempts = null, BridgeMetrics? metrics = null)
{
    private readonly ConcurrentDictionary<string, long> lastVersionByTask = new();

    public async Task<TaskEventOutcome> AcceptAsync(string rawEvent, CancellationToken cancellationToken)
    {
        var translation = TaskEventTranslator.Translate(rawEvent);
        if (translation is { Outcome: TaskEventOutcome.Malformed, TaskArn: { } untagged } && taskAttempts is not null
            && await taskAttempts.AttemptOfAsync(untagged, cancellationToken).ConfigureAwait(false) is { } attempt)
        {
            translation = TaskEventTranslator.Translate(rawEvent, attempt);
        }

        metrics?.Received(translation switch
        {
            { Message: TaskStarted } => "RUNNING",
            { Message: TaskStopped } => "STOPPED",
            { IsProgress: true } => "progress",
            _ => "unknown",
        });
        switch (translation.Outcome)
        {
            case TaskEventOutcome.Malformed:
                // Whoever reads events from outside reports a malformed one, once (the SQS poller).
                LogMalformed(translation.Reason);
                return translation.Outcome;
            case TaskEventOutcome.Ignored:
                if (!translation.IsProgress)
                {
                    metrics?.Dropped("foreign");
                }

                LogIgnored(translation.Reason);
                return translation.Outcome;
        }

        var taskArn = translation.TaskArn!;
        if (lastVersionByTask.TryGetValue(taskArn, out var seen) && translation.Version <= seen)
        {
            metrics?.Dropped(translation.Version == seen ? "duplicate" : "stale");
            LogStale(taskArn, translation.Version);
            return TaskEventOutcome.Ignored;
        }

        using var span = BridgeMetrics.Trace(translation.TraceParent, "task event");
        await bus.Publish(
            translation.Message!,
            translation.Message!.GetType(),
            context => context.ConversationId = translation.CorrelationId ?? context.ConversationId,
            cancellationToken).ConfigureAwait(false);

        // Recorded only once published, so an event whose publish failed is taken again when
        // redelivered. A stopped task reports nothing newer that matters: its entry goes, which
        // keeps the table as small as the number of live tasks; anything late for it reaches
        // the saga, which ignores it.
        if (translation.Message is TaskStopped)
        {
            lastVersionByTask.TryRemove(taskArn, out _);
        }
        else
        {
            lastVersionByTask.AddOrUpdate(taskArn, translation.Version, (_, previous) => Math.Max(previous, translation.Version));
        }

        return TaskEventOutcome.Translated;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Malformed task event dropped: {Reason}")]
    private partial void LogMalformed(string? reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task event ignored: {Reason}")]
    private partial void LogIgnored(string? reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stale task event for {TaskArn} at version {Version} dropped")]
    private partial void LogStale(string? taskArn, long version);
}

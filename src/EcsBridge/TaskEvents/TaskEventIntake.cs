using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace EventPlatform.EcsBridge.TaskEvents;

/// <summary>
/// The one door every task state change comes through (SQS poller or local launcher):
/// translates it, drops stale or repeated versions of a task, and publishes the rest.
/// </summary>
internal sealed partial class TaskEventIntake(IBus bus, ILogger<TaskEventIntake> logger)
{
    private readonly ConcurrentDictionary<string, long> lastVersionByTask = new();

    public async Task<TaskEventOutcome> AcceptAsync(string rawEvent, CancellationToken cancellationToken)
    {
        var translation = TaskEventTranslator.Translate(rawEvent);
        switch (translation.Outcome)
        {
            case TaskEventOutcome.Malformed:
                LogMalformed(translation.Reason);
                return translation.Outcome;
            case TaskEventOutcome.Ignored:
                LogIgnored(translation.Reason);
                return translation.Outcome;
        }

        if (!IsNewer(translation.TaskArn!, translation.Version))
        {
            LogStale(translation.TaskArn, translation.Version);
            return TaskEventOutcome.Ignored;
        }

        await bus.Publish(translation.Message!, translation.Message!.GetType(), cancellationToken).ConfigureAwait(false);
        return TaskEventOutcome.Translated;
    }

    private bool IsNewer(string taskArn, long version)
    {
        while (true)
        {
            if (!lastVersionByTask.TryGetValue(taskArn, out var seen))
            {
                if (lastVersionByTask.TryAdd(taskArn, version))
                {
                    return true;
                }

                continue;
            }

            if (version <= seen)
            {
                return false;
            }

            if (lastVersionByTask.TryUpdate(taskArn, version, seen))
            {
                return true;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Malformed task event dropped: {Reason}")]
    private partial void LogMalformed(string? reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task event ignored: {Reason}")]
    private partial void LogIgnored(string? reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stale task event for {TaskArn} at version {Version} dropped")]
    private partial void LogStale(string? taskArn, long version);
}

using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Scheduling;
using Marten;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace EventPlatform.Sagas.DeadLetters;

/// <summary>
/// MassTransit publishes <see cref="Fault{T}"/> once a consumer has exhausted its retries; this
/// keeps the message and the exception in PostgreSQL, where they survive the (in-memory or
/// broker) error queue. A launch that keeps failing is also news for its job: the saga hears that
/// the attempt could not be launched, retries it, and in the end fails the job with the reason. A
/// submission the saga fails on every time ends its job Failed.
/// </summary>
internal sealed partial class DeadLetterRecorder<T>(IDocumentStore store, TimeProvider clock, ILogger<DeadLetterRecorder<T>> logger)
    : IConsumer<Fault<T>>
    where T : class
{
    public async Task Consume(ConsumeContext<Fault<T>> context)
    {
        var fault = context.Message;
        var exception = string.Join(
            Environment.NewLine,
            fault.Exceptions.Select(e => $"{e.ExceptionType}: {e.Message}"));
        await DeadLetterTable.RecordAsync(
            store,
            fault.FaultId,
            ContractMessageJson.TypeName(fault.Message),
            ContractMessageJson.Serialize(fault.Message),
            fault.Host?.ProcessName is { } process ? $"{process} on {fault.Host.MachineName}" : "unknown",
            exception,
            clock.GetUtcNow(),
            context.CancellationToken).ConfigureAwait(false);

        LogDeadLetter(typeof(T).Name, fault.FaultId, exception);
        if (fault.Message is LaunchTask launch)
        {
            var reason = fault.Exceptions.FirstOrDefault()?.Message ?? "the launcher failed";
            await context.Publish(new TaskLaunchFailed(launch.JobId, launch.Attempt, reason, Retryable: true)).ConfigureAwait(false);
        }
        else if (fault.Message is JobSubmitted submitted && !TransientFaults.AnyIn(fault.Exceptions))
        {
            // The recovery timer re-publishes only until the saga's endpoint is done with it: nothing
            // would ever end this job. A database that was briefly away is no reason to fail it.
            var reason = fault.Exceptions.FirstOrDefault()?.Message ?? "its saga failed on it";
            await SubmissionRejection.PublishIfStagedAsync(store, rejected => context.Publish(rejected), submitted.JobId, reason, context.CancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{MessageType} dead-lettered as {DeadLetterId}: {Exception}")]
    private partial void LogDeadLetter(string messageType, Guid deadLetterId, string exception);
}

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
/// the attempt could not be launched, retries it, and in the end fails the job with the reason.
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
        await using (var session = store.LightweightSession())
        {
            session.QueueSqlCommand(
                $"insert into {DeadLetterTable.QualifiedName(store)} (id, message_type, body, consumer, exception, failed_at) values (?, ?, ?::jsonb, ?, ?, ?)",
                fault.FaultId,
                ContractMessageJson.TypeName(fault.Message),
                ContractMessageJson.Serialize(fault.Message),
                fault.Host?.ProcessName is { } process ? $"{process} on {fault.Host.MachineName}" : "unknown",
                exception,
                clock.GetUtcNow());
            await session.SaveChangesAsync(context.CancellationToken).ConfigureAwait(false);
        }

        LogDeadLetter(typeof(T).Name, fault.FaultId, exception);
        if (fault.Message is LaunchTask launch)
        {
            var reason = fault.Exceptions.FirstOrDefault()?.Message ?? "the launcher failed";
            await context.Publish(new TaskLaunchFailed(launch.JobId, launch.Attempt, reason, Retryable: true)).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{MessageType} dead-lettered as {DeadLetterId}: {Exception}")]
    private partial void LogDeadLetter(string messageType, Guid deadLetterId, string exception);
}

using System.Text;
using System.Text.Json;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Sagas.Scheduling;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EventPlatform.Sagas.DeadLetters;

/// <summary>
/// Keeps a message its endpoint could not even read (a body the serializer refuses) in the dead
/// letters: no <see cref="Fault{T}"/> exists for a message that never became a T, so
/// <see cref="DeadLetterRecorder{T}"/> never hears of it. A timer's delivery is acknowledged, since
/// reading it again will fail again, and a submission nobody can read ends its job Failed.
/// </summary>
internal sealed partial class UnreadableMessageFilter(IServiceProvider services) : IFilter<ExceptionReceiveContext>
{
    private const string MessageTypePrefix = "urn:message:";

    public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        // Faulted means a consumer read the message and published its Fault<T>, which is recorded elsewhere.
        if (!context.IsFaulted)
        {
            await KeepAsync(context).ConfigureAwait(false);
        }

        await next.Send(context).ConfigureAwait(false);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("unreadableMessage");

    private async Task KeepAsync(ExceptionReceiveContext context)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        var logger = services.GetRequiredService<ILogger<UnreadableMessageFilter>>();
        var envelope = Envelope.Read(context.Body.GetBytes());
        var id = context.GetMessageId() ?? Guid.CreateVersion7();
        var exception = string.Join(Environment.NewLine, Exceptions(context.Exception).Select(e => $"{e.GetType().FullName}: {e.Message}"));
        try
        {
            await DeadLetterTable.RecordAsync(
                store,
                id,
                envelope.MessageType ?? "unknown",
                envelope.MessageJson,
                $"{context.InputAddress} (unreadable)",
                exception,
                services.GetRequiredService<TimeProvider>().GetUtcNow(),
                CancellationToken.None).ConfigureAwait(false);
            LogUnreadable(logger, envelope.MessageType ?? "unknown", id, exception);

            var timerToken = context.TransportHeaders.Get<string>(ScheduledMessageTable.TokenHeader) ?? envelope.TimerToken;
            if (Guid.TryParseExact(timerToken, "N", out var token))
            {
                await ScheduledMessageTable.AcknowledgeAsync(store, token, CancellationToken.None).ConfigureAwait(false);
            }

            if (envelope.MessageType == typeof(JobSubmitted).FullName && envelope.JobId is { } jobId)
            {
                var bus = services.GetRequiredService<IBus>();
                await SubmissionRejection.PublishIfStagedAsync(
                    store,
                    rejected => bus.Publish(rejected),
                    jobId,
                    $"it could not be read ({context.Exception.GetBaseException().Message})",
                    CancellationToken.None).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // The error pipe must go on to move the message to the error queue whatever happens here.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Not kept; the message is still moved to the error queue, and a timer's comes back to be tried again.
            LogNotKept(logger, id, ex);
        }
    }

    private static IEnumerable<Exception> Exceptions(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An unreadable {MessageType} was dead-lettered as {DeadLetterId}: {Exception}")]
    private static partial void LogUnreadable(ILogger logger, string messageType, Guid deadLetterId, string exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An unreadable message {DeadLetterId} could not be kept in the dead letters")]
    private static partial void LogNotKept(ILogger logger, Guid deadLetterId, Exception exception);

    /// <summary>What can be told of MassTransit's JSON envelope without reading the message as its type.</summary>
    private sealed record Envelope(string? MessageType, string MessageJson, Guid? JobId, string? TimerToken)
    {
        public static Envelope Read(byte[] body)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                var message = root.TryGetProperty("message", out var m) ? m : root;
                var urn = root.TryGetProperty("messageType", out var types) && types.ValueKind == JsonValueKind.Array && types.GetArrayLength() > 0
                    ? types[0].GetString()
                    : null;
                var jobId = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("jobId", out var j) && j.TryGetGuid(out var g) ? g : (Guid?)null;
                var timerToken = root.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object
                    && headers.TryGetProperty(ScheduledMessageTable.TokenHeader, out var t) && t.ValueKind == JsonValueKind.String
                        ? t.GetString()
                        : null;
                return new Envelope(TypeName(urn), message.GetRawText(), jobId, timerToken);
            }
            catch (JsonException)
            {
                // Kept as text, so that an operator still sees what arrived.
                return new Envelope(null, JsonSerializer.Serialize(Encoding.UTF8.GetString(body)), null, null);
            }
        }

        /// <summary>urn:message:Namespace:Type → Namespace.Type, as the dead letters name types.</summary>
        private static string? TypeName(string? urn) =>
            urn is not null && urn.StartsWith(MessageTypePrefix, StringComparison.Ordinal) && urn.LastIndexOf(':') is var colon && colon > MessageTypePrefix.Length
                ? $"{urn[MessageTypePrefix.Length..colon]}.{urn[(colon + 1)..]}"
                : urn;
    }
}

using System.Diagnostics.Metrics;
using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;
using EventPlatform.EcsBridge.TaskEvents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventPlatform.EcsBridge.Sqs;

/// <summary>
/// Long-polls the task events queue and hands each message to <see cref="TaskEventIntake"/>.
/// A message is deleted only once the intake took it (published, or nothing to publish). A malformed
/// one is left in the queue, so the queue's redrive policy moves it to the dead-letter queue after
/// maxReceiveCount receives; one whose publish failed comes back after the visibility timeout.
/// </summary>
internal sealed partial class SqsTaskEventPoller(
    [FromKeyedServices(SqsIntakeRegistration.ClientKey)] IAmazonSQS sqs,
    IOptions<SqsIntakeOptions> options,
    TaskEventIntake intake,
    IMeterFactory meterFactory,
    TimeProvider timeProvider,
    ILogger<SqsTaskEventPoller> logger) : BackgroundService
{
    public const string MalformedCounterName = "eventplatform.task_events.malformed";

    private const string ReceiveCountAttribute = "ApproximateReceiveCount";

    private readonly SqsIntakeOptions settings = options.Value;

    private readonly Counter<long> malformed = meterFactory.Create(Telemetry.BridgeMetrics.MeterName).CreateCounter<long>(
        MalformedCounterName,
        unit: "{event}",
        description: "Task events that could not be read (each counted at its first receive); the queue's redrive policy dead-letters them.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queueUrl = settings.QueueUrl is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException($"{SqsIntakeOptions.Section}:{nameof(SqsIntakeOptions.QueueUrl)} is not set.");
        var backoff = TimeSpan.FromSeconds(settings.ErrorBackoffSeconds);
        LogPolling(queueUrl);

        while (!stoppingToken.IsCancellationRequested)
        {
            bool healthy;
            try
            {
                healthy = await PollOnceAsync(queueUrl, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPollFailed(ex, queueUrl, settings.ErrorBackoffSeconds);
                healthy = false;
            }

            if (!healthy)
            {
                await Task.Delay(backoff, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>One receive and what follows; false when the intake failed and the next poll should wait.</summary>
    private async Task<bool> PollOnceAsync(string queueUrl, CancellationToken stoppingToken)
    {
        var response = await sqs.ReceiveMessageAsync(
            new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = settings.MaxMessages,
                WaitTimeSeconds = settings.WaitTimeSeconds,
                VisibilityTimeout = settings.VisibilityTimeoutSeconds,
                MessageSystemAttributeNames = [ReceiveCountAttribute],
            },
            stoppingToken);

        // AWSSDK v4 leaves the list null, not empty, when a long poll ends with nothing.
        if (response.Messages is not { Count: > 0 } messages)
        {
            return true;
        }

        var taken = new List<Message>(messages.Count);
        try
        {
            foreach (var message in messages)
            {
                TaskEventOutcome outcome;
                try
                {
                    outcome = await intake.AcceptAsync(message.Body ?? string.Empty, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Most likely the bus is down, and the rest of the batch would fail the same way:
                    // this message and the rest stay hidden until the visibility timeout, then come back.
                    LogIntakeFailed(ex, message.MessageId, ReceiveCount(message));
                    return false;
                }

                if (outcome == TaskEventOutcome.Malformed)
                {
                    // Left for the redrive policy, it comes back until maxReceiveCount: said and counted once.
                    if (ReceiveCount(message) is null or "1")
                    {
                        LogMalformed(message.MessageId);
                        malformed.Add(1);
                    }

                    continue;
                }

                taken.Add(message);
            }

            return true;
        }
        finally
        {
            if (taken.Count > 0)
            {
                await DeleteAsync(queueUrl, taken);
            }
        }
    }

    private async Task DeleteAsync(string queueUrl, List<Message> taken)
    {
        // Not cancelled on shutdown: what the intake has published should not be delivered again.
        var response = await sqs.DeleteMessageBatchAsync(
            new DeleteMessageBatchRequest
            {
                QueueUrl = queueUrl,
                Entries = [.. taken.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), m.ReceiptHandle))],
            },
            CancellationToken.None);

        foreach (var failure in response.Failed ?? [])
        {
            var messageId = int.TryParse(failure.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < taken.Count
                ? taken[index].MessageId
                : failure.Id;
            LogDeleteFailed(messageId, failure.Code, failure.Message);
        }
    }

    private static string? ReceiveCount(Message message) => message.Attributes?.GetValueOrDefault(ReceiveCountAttribute);

    [LoggerMessage(Level = LogLevel.Information, Message = "Polling {QueueUrl} for ECS task events")]
    private partial void LogPolling(string queueUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Malformed task event in SQS message {MessageId} left for the dead-letter queue")]
    private partial void LogMalformed(string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task event in SQS message {MessageId} (receive {ReceiveCount}) was not published; it and the rest of its batch come back after the visibility timeout")]
    private partial void LogIntakeFailed(Exception exception, string messageId, string? receiveCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling {QueueUrl} for task events failed; next poll in {BackoffSeconds} s")]
    private partial void LogPollFailed(Exception exception, string queueUrl, int backoffSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS message {MessageId} was taken but not deleted ({Code}: {Reason}); its redelivery is a duplicate the intake or the saga drops")]
    private partial void LogDeleteFailed(string messageId, string? code, string? reason);
}

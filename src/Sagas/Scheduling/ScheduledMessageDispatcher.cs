using EventPlatform.Sagas.Jobs;
using EventPlatform.Sagas.Telemetry;
using Marten;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EventPlatform.Sagas.Scheduling;

/// <summary>
/// Publishes scheduled messages when they fall due. Each batch is claimed with FOR UPDATE SKIP
/// LOCKED, published, and re-armed for <see cref="SchedulerOptions.RedeliveryDelay"/> in one
/// transaction: several dispatchers (in several processes) share the work without taking the same row,
/// and a crash before the commit leaves the rows for the next poll. A row goes only when its consumer
/// acknowledged the delivery (<see cref="AcknowledgeTimerFilter{T}"/>): a message the bus lost with a
/// crashed process is published again. Delivery is at least once; receivers recognise repeats by token.
/// </summary>
internal sealed partial class ScheduledMessageDispatcher(
    IDocumentStore store,
    IBus bus,
    IOptions<SchedulerOptions> options,
    ILogger<ScheduledMessageDispatcher> logger,
    LifecycleMetrics? metrics = null) : PollingLoop(logger)
{
    private readonly SchedulerOptions settings = options.Value;

    protected override string Activity => "Polling for scheduled messages";

    /// <summary>A full batch means more may be due already.</summary>
    protected override async Task<bool> RunRoundAsync(CancellationToken cancellationToken) =>
        await DispatchDueAsync(ScheduledMessageTable.QualifiedName(store.Options.DatabaseSchemaName), cancellationToken).ConfigureAwait(false) >= settings.BatchSize;

    protected override Task WaitAsync(CancellationToken cancellationToken) => DelayAsync(settings.PollInterval, cancellationToken);

    internal async Task<int> DispatchDueAsync(string table, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        var due = new List<(Guid Token, string Type, string Body, string? CorrelationId, double SecondsLate, string? TraceParent)>();
        await using (var select = new NpgsqlCommand(
            $"select token_id, message_type, body::text, correlation_id, extract(epoch from now() - due_at)::float8, trace_parent from {table} " +
            "where due_at <= now() order by due_at limit @limit for update skip locked",
            connection,
            transaction))
        {
            select.Parameters.AddWithValue("limit", settings.BatchSize);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                due.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetDouble(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
        }

        if (due.Count == 0)
        {
            return 0;
        }

        var published = new List<Guid>(due.Count);
        foreach (var (token, typeName, body, correlationId, secondsLate, traceParent) in due)
        {
            using var span = JobTrace.Resume(traceParent, "timer");
            try
            {
                var (message, type) = ContractMessageJson.Deserialize(typeName, body);
                await bus.Publish(
                    message,
                    type,
                    context =>
                    {
                        context.ConversationId = JobState.ConversationOf(correlationId) ?? context.ConversationId;
                        context.Headers.Set(ScheduledMessageTable.TokenHeader, token.ToString("N"));
                    },
                    cancellationToken).ConfigureAwait(false);
                published.Add(token);
                metrics?.TimerFired(secondsLate);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.Text.Json.JsonException)
            {
                // A row nobody can read would block nothing but would be retried forever: drop it loudly.
                LogUnreadable(ex, token, typeName);
            }
        }

        await using (var rearm = new NpgsqlCommand($"update {table} set due_at = now() + @redelivery where token_id = any(@tokens)", connection, transaction))
        {
            rearm.Parameters.AddWithValue("redelivery", settings.RedeliveryDelay);
            rearm.Parameters.AddWithValue("tokens", published.ToArray());
            await rearm.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var delete = new NpgsqlCommand($"delete from {table} where token_id = any(@tokens)", connection, transaction))
        {
            delete.Parameters.AddWithValue("tokens", due.Select(d => d.Token).Except(published).ToArray());
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogDispatched(due.Count);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dispatched {Count} scheduled messages")]
    private partial void LogDispatched(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled message {TokenId} of type {MessageType} cannot be read and is dropped")]
    private partial void LogUnreadable(Exception exception, Guid tokenId, string messageType);
}

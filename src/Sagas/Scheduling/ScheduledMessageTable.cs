using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace EventPlatform.Sagas.Scheduling;

/// <summary>
/// The durable timer table: one row per pending scheduled message, created with the rest of the
/// store's schema. Rows are written by the transaction that sets the timer and taken by the
/// dispatcher with FOR UPDATE SKIP LOCKED (docs/adr/0009-durable-scheduling.md).
/// </summary>
public static class ScheduledMessageTable
{
    public const string Name = "ep_scheduled_messages";

    /// <summary>The header a dispatched message carries its row's token in, for its consumer to acknowledge it.</summary>
    public const string TokenHeader = "EP-Timer-Token";

    public static StoreOptions AddScheduledMessages(this StoreOptions options)
    {
        var table = new Table(new PostgresqlObjectName(options.DatabaseSchemaName, Name, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("token_id").AsPrimaryKey();
        table.AddColumn<DateTimeOffset>("due_at").NotNull();
        table.AddColumn("message_type", "text").NotNull();
        table.AddColumn("body", "jsonb").NotNull();
        table.AddColumn("correlation_id", "text");
        table.AddColumn("trace_parent", "text");
        table.Indexes.Add(new IndexDefinition($"ix_{Name}_due_at") { Columns = ["due_at"] });
        options.Storage.ExtendedSchemaObjects.Add(table);
        return options;
    }

    /// <summary>
    /// Adds (or keeps, when the token exists) a scheduled message in the session's transaction; it is
    /// published in the trace <paramref name="traceParent"/> names (the job's), not in a trace of its own.
    /// </summary>
    public static void QueueSchedule(this IDocumentSession session, ScheduledDelivery scheduled, string? correlationId, string? traceParent = null) =>
        session.QueueSqlCommand(
            $"insert into {QualifiedName(session)} (token_id, due_at, message_type, body, correlation_id, trace_parent) " +
            "values (?, ?, ?, ?::jsonb, ?, ?) on conflict (token_id) do nothing",
            scheduled.TokenId,
            scheduled.DueAt.ToUniversalTime(),
            ContractMessageJson.TypeName(scheduled.Message),
            ContractMessageJson.Serialize(scheduled.Message),
            (object?)correlationId ?? DBNull.Value,
            (object?)traceParent ?? DBNull.Value);

    /// <summary>Cancels a scheduled message in the session's transaction; a token already fired or unknown is fine.</summary>
    public static void QueueUnschedule(this IDocumentSession session, Guid tokenId) =>
        session.QueueSqlCommand($"delete from {QualifiedName(session)} where token_id = ?", tokenId);

    /// <summary>A dispatched message was handled (or can never be): the dispatcher stops publishing it again.</summary>
    internal static async Task AcknowledgeAsync(IDocumentStore store, Guid tokenId, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = new NpgsqlCommand($"delete from {QualifiedName(store.Options.DatabaseSchemaName)} where token_id = @token", connection);
        delete.Parameters.AddWithValue("token", tokenId);
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static string QualifiedName(string schema) => $"{schema}.{Name}";

    private static string QualifiedName(IDocumentSession session) => QualifiedName(session.DocumentStore.Options.DatabaseSchemaName);
}

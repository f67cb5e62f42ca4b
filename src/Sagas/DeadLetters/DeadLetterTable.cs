using Marten;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace EventPlatform.Sagas.DeadLetters;

/// <summary>Messages a consumer gave up on after its retries, kept (with the exception) until an operator re-drives them.</summary>
public static class DeadLetterTable
{
    public const string Name = "ep_dead_letters";

    public static StoreOptions AddDeadLetters(this StoreOptions options)
    {
        var table = new Table(new PostgresqlObjectName(options.DatabaseSchemaName, Name, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn("message_type", "text").NotNull();
        table.AddColumn("body", "jsonb").NotNull();
        table.AddColumn("consumer", "text").NotNull();
        table.AddColumn("exception", "text").NotNull();
        table.AddColumn<DateTimeOffset>("failed_at").NotNull();
        table.AddColumn<DateTimeOffset>("redriven_at");
        table.Indexes.Add(new IndexDefinition($"ix_{Name}_failed_at") { Columns = ["failed_at"] });
        options.Storage.ExtendedSchemaObjects.Add(table);
        return options;
    }

    public static string QualifiedName(IDocumentStore store) => $"{store.Options.DatabaseSchemaName}.{Name}";

    /// <summary>Keeps one message a consumer gave up on; <paramref name="bodyJson"/> is the message itself, as JSON.</summary>
    public static async Task RecordAsync(
        IDocumentStore store, Guid id, string messageType, string bodyJson, string consumer, string exception, DateTimeOffset failedAt, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        session.QueueSqlCommand(
            $"insert into {QualifiedName(store)} (id, message_type, body, consumer, exception, failed_at) values (?, ?, ?::jsonb, ?, ?, ?) on conflict (id) do nothing",
            id,
            messageType,
            bodyJson,
            consumer,
            exception,
            failedAt);
        await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }
}

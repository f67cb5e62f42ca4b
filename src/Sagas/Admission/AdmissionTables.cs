using EventPlatform.Contracts.Jobs;
using Marten;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace EventPlatform.Sagas.Admission;

/// <summary>
/// The line (jobs waiting for a slot) and the slots (jobs admitted and not yet ended). Both are
/// written by the saga in its own transactions, and slots are inserted only by the admission
/// controller under its lock: the count of slots is the count the caps bound.
/// </summary>
public static class AdmissionTables
{
    public const string Queue = "ep_admission_queue";
    public const string Slots = "ep_admission_slots";

    public static StoreOptions AddAdmission(this StoreOptions options)
    {
        var queue = new Table(new PostgresqlObjectName(options.DatabaseSchemaName, Queue, SchemaUtils.IdentifierUsage.General));
        queue.AddColumn<Guid>("job_id").AsPrimaryKey();
        queue.AddColumn("user_id", "text").NotNull();
        queue.AddColumn<int>("priority_rank").NotNull();
        queue.AddColumn<int>("attempt").NotNull();
        queue.AddColumn<DateTimeOffset>("enqueued_at").NotNull();
        queue.Indexes.Add(new IndexDefinition($"ix_{Queue}_user") { Columns = ["user_id"] });
        options.Storage.ExtendedSchemaObjects.Add(queue);

        var slots = new Table(new PostgresqlObjectName(options.DatabaseSchemaName, Slots, SchemaUtils.IdentifierUsage.General));
        slots.AddColumn<Guid>("job_id").AsPrimaryKey();
        slots.AddColumn("user_id", "text").NotNull();
        slots.AddColumn<int>("attempt").NotNull();
        slots.AddColumn<DateTimeOffset>("admitted_at").NotNull();
        slots.AddColumn<bool>("acknowledged").NotNull().DefaultValueByExpression("false");
        slots.Indexes.Add(new IndexDefinition($"ix_{Slots}_user") { Columns = ["user_id"] });
        options.Storage.ExtendedSchemaObjects.Add(slots);
        return options;
    }

    public static int Rank(JobPriority priority) => priority switch
    {
        JobPriority.High => 0,
        JobPriority.Normal => 1,
        _ => 2,
    };

    /// <summary>Puts the attempt in line (again, after a retry), keeping the time it first queued for fairness.</summary>
    public static void QueueEnqueue(this IDocumentSession session, Guid jobId, string userId, JobPriority priority, int attempt, DateTimeOffset enqueuedAt) =>
        session.QueueSqlCommand(
            $"insert into {Name(session, Queue)} (job_id, user_id, priority_rank, attempt, enqueued_at) values (?, ?, ?, ?, ?) " +
            "on conflict (job_id) do update set attempt = excluded.attempt",
            jobId,
            userId,
            Rank(priority),
            attempt,
            enqueuedAt.ToUniversalTime());

    /// <summary>Takes the job out of line and frees its slot, whichever it holds.</summary>
    public static void QueueRelease(this IDocumentSession session, Guid jobId)
    {
        session.QueueSqlCommand($"delete from {Name(session, Queue)} where job_id = ?", jobId);
        session.QueueSqlCommand($"delete from {Name(session, Slots)} where job_id = ?", jobId);
    }

    /// <summary>The saga took up its admission: no need to publish it again.</summary>
    public static void QueueAcknowledge(this IDocumentSession session, Guid jobId) =>
        session.QueueSqlCommand($"update {Name(session, Slots)} set acknowledged = true where job_id = ?", jobId);

    public static string Name(string schema, string table) => $"{schema}.{table}";

    private static string Name(IDocumentSession session, string table) => Name(session.DocumentStore.Options.DatabaseSchemaName, table);
}

using EventPlatform.Contracts.Jobs;
using EventPlatform.Sagas.Jobs;
using EventPlatform.Sagas.Telemetry;
using Marten;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EventPlatform.Sagas.Admission;

/// <summary>
/// The one place that decides which jobs may run. A decision is one transaction that holds a
/// transaction-scoped advisory lock, so decisions never interleave, whichever process makes them;
/// it counts the slots, picks jobs from the line within the global and per-user caps, inserts
/// their slots and takes them out of line. Slots are only ever added here, under the lock, and
/// only removed elsewhere (by the saga when a job ends or goes back in line), so no race can push
/// the count past a cap. The admissions are published after the commit; one that is lost is
/// published again once it is overdue.
/// </summary>
internal sealed partial class AdmissionController(
    IDocumentStore store,
    IBus bus,
    IOptions<AdmissionOptions> options,
    AdmissionSignal signal,
    ILogger<AdmissionController> logger) : PollingLoop(logger)
{
    /// <summary>"EPAD": distinct from the keys Marten takes.</summary>
    private const long LockKey = 0x45504144;

    private readonly AdmissionOptions settings = options.Value;

    protected override string Activity => "Admission round";

    protected override async Task<bool> RunRoundAsync(CancellationToken cancellationToken)
    {
        await AdmitAsync(cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>Until the next poll, or sooner when this process saw a job join the line or free a slot.</summary>
    protected override Task WaitAsync(CancellationToken cancellationToken) => signal.WaitAsync(settings.PollInterval, cancellationToken);

    /// <summary>One decision; returns the admissions it published (new and overdue).</summary>
    internal async Task<IReadOnlyList<JobAdmitted>> AdmitAsync(CancellationToken cancellationToken)
    {
        var schema = store.Options.DatabaseSchemaName;
        var queue = AdmissionTables.Name(schema, AdmissionTables.Queue);
        var slots = AdmissionTables.Name(schema, AdmissionTables.Slots);
        var events = $"{store.Options.Events.DatabaseSchemaName}.mt_events";
        var sagas = store.Options.FindOrResolveDocumentType(typeof(JobState)).TableName.QualifiedName;

        List<AdmittedJob> admitted = [];
        await using (var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (!await TryLockAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
            {
                return [];
            }

            var free = settings.MaxRunning - await CountAsync(connection, transaction, $"select count(*)::int from {slots}", cancellationToken).ConfigureAwait(false);
            if (free > 0)
            {
                admitted.AddRange(await PickAsync(connection, transaction, queue, slots, JobContext(events, sagas), free, cancellationToken).ConfigureAwait(false));
            }

            admitted.AddRange(await OverdueAsync(connection, transaction, slots, JobContext(events, sagas), cancellationToken).ConfigureAwait(false));
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (admission, conversation, traceParent) in admitted)
        {
            using var span = JobTrace.Resume(traceParent, "admission");
            await bus.Publish(admission, context => context.ConversationId = conversation ?? context.ConversationId, cancellationToken).ConfigureAwait(false);
        }

        if (admitted.Count > 0)
        {
            LogAdmitted(admitted.Count);
        }

        return [.. admitted.Select(a => a.Message)];
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select pg_try_advisory_xact_lock(@key)", connection, transaction);
        command.Parameters.AddWithValue("key", LockKey);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task<int> CountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Highest effective priority first (a job gains a level per aging interval waited); among
    /// equals, the user who would hold the fewest slots first, so users take turns; then FIFO.
    /// A user's jobs beyond that user's cap are not candidates at all.
    /// </summary>
    private async Task<List<AdmittedJob>> PickAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string queue, string slots, JobContextTables job, int free, CancellationToken cancellationToken)
    {
        var sql = $"""
            with running as (
              select user_id, count(*)::int as n from {slots} group by user_id
            ), caps as (
              select user_id, cap from unnest(@cap_users::text[], @cap_values::int[]) as c(user_id, cap)
            ), ranked as (
              select q.job_id, q.user_id, q.attempt, q.enqueued_at,
                     greatest(0, q.priority_rank - floor(extract(epoch from (now() - q.enqueued_at)) / @aging_seconds)::int) as effective_rank,
                     row_number() over (
                       partition by q.user_id
                       order by greatest(0, q.priority_rank - floor(extract(epoch from (now() - q.enqueued_at)) / @aging_seconds)::int), q.enqueued_at
                     ) as user_position
              from {queue} q
            ), chosen as (
              select r.job_id, r.user_id, r.attempt
              from ranked r
              left join running on running.user_id = r.user_id
              left join caps on caps.user_id = r.user_id
              where coalesce(running.n, 0) + r.user_position <= coalesce(caps.cap, @default_cap)
              order by r.effective_rank, coalesce(running.n, 0) + r.user_position, r.enqueued_at
              limit @free
            ), slotted as (
              insert into {slots} (job_id, user_id, attempt, admitted_at)
              select job_id, user_id, attempt, now() from chosen
              returning job_id, attempt
            ), dequeued as (
              delete from {queue} q using chosen where q.job_id = chosen.job_id
            )
            select {JobConversation("slotted", job)}
            """;
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("cap_users", settings.UserLimits.Keys.ToArray());
        command.Parameters.AddWithValue("cap_values", settings.UserLimits.Values.ToArray());
        command.Parameters.AddWithValue("aging_seconds", Math.Max(1, settings.AgingInterval.TotalSeconds));
        command.Parameters.AddWithValue("default_cap", settings.MaxRunningPerUser);
        command.Parameters.AddWithValue("free", free);
        return await ReadAdmissionsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<AdmittedJob>> OverdueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string slots, JobContextTables job, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            with overdue as (
              update {slots} set admitted_at = now() where not acknowledged and admitted_at < now() - @overdue returning job_id, attempt
            )
            select {JobConversation("overdue", job)}
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("overdue", settings.RedeliverAfter);
        return await ReadAdmissionsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The admitted jobs with their correlation id, which every event of a job's stream carries: the
    /// first event's (as JobCorrelation reads it for one job), so that the admission travels in the
    /// job's conversation; and the trace its saga keeps, so that it travels in the job's trace.
    /// </summary>
    private static string JobConversation(string admitted, JobContextTables job) =>
        $"a.job_id, a.attempt, e.correlation_id, s.data ->> 'TraceParent' from {admitted} a "
        + $"left join {job.Events} e on e.stream_id = a.job_id and e.version = 1 left join {job.Sagas} s on s.id = a.job_id";

    private static JobContextTables JobContext(string events, string sagas) => new(events, sagas);

    private readonly record struct JobContextTables(string Events, string Sagas);

    private static async Task<List<AdmittedJob>> ReadAdmissionsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        List<AdmittedJob> admissions = [];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var conversation = reader.IsDBNull(2) ? null : JobState.ConversationOf(reader.GetString(2));
            admissions.Add(new AdmittedJob(new JobAdmitted(reader.GetGuid(0), reader.GetInt32(1)), conversation, reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return admissions;
    }

    private readonly record struct AdmittedJob(JobAdmitted Message, Guid? Conversation, string? TraceParent);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Admitted {Count} jobs")]
    private partial void LogAdmitted(int count);
}

using EventPlatform.Projections.JobStatus;
using JasperFx.Events;
using Marten;

namespace EventPlatform.Projections.Maintenance;

/// <summary>Job streams walked in id order, a bounded batch at a time, and replayed with the status projection's logic.</summary>
internal static class JobStreams
{
    public const int BatchSize = 500;

    /// <summary>The next batch of stream ids after <paramref name="after"/>; with <paramref name="lockStreams"/>, their stream rows stay locked until the session's transaction ends.</summary>
    public static async Task<IReadOnlyList<Guid>> NextBatchAsync(IQuerySession session, Guid after, bool lockStreams, CancellationToken cancellationToken)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        var sql = $"select id from {schema}.mt_streams where id > ? order by id limit {BatchSize}{(lockStreams ? " for update" : string.Empty)}";
        return await session.AdvancedSql.QueryAsync<Guid>(sql, cancellationToken, after).ConfigureAwait(false);
    }

    /// <summary>
    /// Status rows that no stream backs (written by hand, or left after their stream was removed):
    /// replaying the streams can never produce them, so a walk over the streams would never see them.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> OrphanedStatusRowsAsync(IQuerySession session, CancellationToken cancellationToken) =>
        await session.AdvancedSql.QueryAsync<Guid>(OrphanedStatusRows(session, "select v.id"), cancellationToken).ConfigureAwait(false);

    /// <summary>Removes the status rows of <see cref="OrphanedStatusRowsAsync"/> when the session saves its changes.</summary>
    public static void QueueOrphanedStatusRowsDeletion(IDocumentSession session) =>
        session.QueueSqlCommand(OrphanedStatusRows(session, "delete"));

    private static string OrphanedStatusRows(IQuerySession session, string verb)
    {
        var options = session.DocumentStore.Options;
        var table = options.FindOrResolveDocumentType(typeof(JobStatusView)).TableName.QualifiedName;
        return $"{verb} from {table} v where not exists (select 1 from {options.Events.DatabaseSchemaName}.mt_streams s where s.id = v.id)";
    }

    /// <summary>Each stream's status as its events say, in one query; also how many events that took.</summary>
    public static async Task<(Dictionary<Guid, JobStatusView> Views, int Events)> ReplayAsync(
        IQuerySession session, IReadOnlyList<Guid> streams, CancellationToken cancellationToken)
    {
        var ids = streams.ToArray();
        IReadOnlyList<IEvent> events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamId.IsOneOf(ids))
            .OrderBy(e => e.Sequence)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        var views = new Dictionary<Guid, JobStatusView>();
        foreach (var e in events)
        {
            if (JobStatusProjection.Replay(views.GetValueOrDefault(e.StreamId), e.Data) is { } view)
            {
                views[e.StreamId] = view;
            }
        }

        return (views, events.Count);
    }
}

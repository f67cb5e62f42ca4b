using Marten;

namespace EventPlatform.Projections;

/// <summary>
/// A job's correlation id: the conversation its submission started, which every event of its stream
/// carries. Messages about the job that start outside that conversation (a cancellation from the API)
/// are sent in it, so every log line about the job names the same id as its events.
/// </summary>
public static class JobCorrelation
{
    /// <summary>Null when the job has no stream, or its first event no correlation id.</summary>
    public static async Task<Guid?> FindAsync(IQuerySession session, Guid jobId, CancellationToken cancellationToken)
    {
        var schema = session.DocumentStore.Options.Events.DatabaseSchemaName;
        var found = await session.AdvancedSql.QueryAsync<string>(
            $"select coalesce(correlation_id, '') from {schema}.mt_events where stream_id = ? and version = 1",
            cancellationToken,
            jobId).ConfigureAwait(false);
        return found.Count > 0 && Guid.TryParse(found[0], out var correlationId) ? correlationId : null;
    }
}

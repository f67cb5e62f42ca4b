using System.Text.Json;
using System.Text.Json.Serialization;
using EventPlatform.Projections.JobStatus;
using Marten;

namespace EventPlatform.Projections.Maintenance;

/// <summary>A stored status row that its stream disagrees with: the fields that differ, as stored and as replayed.</summary>
public sealed record AuditMismatch(
    Guid JobId,
    IReadOnlyList<string> Fields,
    IReadOnlyDictionary<string, JsonElement?> Stored,
    IReadOnlyDictionary<string, JsonElement?> Replayed);

public sealed record AuditReport(long Checked, IReadOnlyList<AuditMismatch> Mismatches);

/// <summary>
/// Replays every job stream with the status projection's logic and compares the result with the
/// stored status row, a batch of streams at a time, so memory stays bounded however many jobs there are;
/// then reports the status rows that no stream backs.
/// </summary>
public sealed class JobStatusAudit(IDocumentStore store)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task<AuditReport> VerifyAsync(CancellationToken cancellationToken)
    {
        long checkedJobs = 0;
        List<AuditMismatch> mismatches = [];
        var after = Guid.Empty;
        while (true)
        {
            await using var session = store.QuerySession();
            var streams = await JobStreams.NextBatchAsync(session, after, lockStreams: false, cancellationToken).ConfigureAwait(false);
            if (streams.Count == 0)
            {
                var orphans = await OrphansAsync(session, cancellationToken).ConfigureAwait(false);
                mismatches.AddRange(orphans);
                return new AuditReport(checkedJobs + orphans.Count, mismatches);
            }

            var suspects = await CompareAsync(session, streams, cancellationToken).ConfigureAwait(false);
            if (suspects.Count > 0)
            {
                // A job that moved on between the two reads differs once; a wrong row differs again.
                suspects = await CompareAsync(session, [.. suspects.Select(m => m.JobId)], cancellationToken).ConfigureAwait(false);
            }

            mismatches.AddRange(suspects);
            checkedJobs += streams.Count;
            after = streams[^1];
        }
    }

    private static async Task<List<AuditMismatch>> CompareAsync(IQuerySession session, IReadOnlyList<Guid> streams, CancellationToken cancellationToken)
    {
        var stored = (await session.LoadManyAsync<JobStatusView>(cancellationToken, streams).ConfigureAwait(false)).ToDictionary(v => v.Id);
        var (replayed, _) = await JobStreams.ReplayAsync(session, streams, cancellationToken).ConfigureAwait(false);
        List<AuditMismatch> mismatches = [];
        foreach (var jobId in streams)
        {
            var expected = Fields(replayed.GetValueOrDefault(jobId));
            var actual = Fields(stored.GetValueOrDefault(jobId));
            var differing = expected.Keys.Union(actual.Keys)
                .Where(f => !(expected.TryGetValue(f, out var e) && actual.TryGetValue(f, out var a) && JsonElement.DeepEquals(e, a)))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (differing.Count > 0)
            {
                mismatches.Add(new AuditMismatch(
                    jobId,
                    differing,
                    differing.ToDictionary(f => f, f => actual.TryGetValue(f, out var v) ? v : (JsonElement?)null),
                    differing.ToDictionary(f => f, f => expected.TryGetValue(f, out var v) ? v : (JsonElement?)null)));
            }
        }

        return mismatches;
    }

    /// <summary>A status row without a stream differs in every field: the stream replays to no job at all.</summary>
    private static async Task<List<AuditMismatch>> OrphansAsync(IQuerySession session, CancellationToken cancellationToken)
    {
        var orphans = await JobStreams.OrphanedStatusRowsAsync(session, cancellationToken).ConfigureAwait(false);
        if (orphans.Count == 0)
        {
            return [];
        }

        List<AuditMismatch> mismatches = [];
        foreach (var row in await session.LoadManyAsync<JobStatusView>(cancellationToken, orphans).ConfigureAwait(false))
        {
            var stored = Fields(row);
            mismatches.Add(new AuditMismatch(
                row.Id,
                [.. stored.Keys.Order(StringComparer.Ordinal)],
                stored.ToDictionary(f => f.Key, f => (JsonElement?)f.Value),
                stored.ToDictionary(f => f.Key, _ => (JsonElement?)null)));
        }

        return mismatches;
    }

    private static Dictionary<string, JsonElement> Fields(JobStatusView? view) => view is null
        ? []
        : JsonSerializer.SerializeToElement(view, Json).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
}

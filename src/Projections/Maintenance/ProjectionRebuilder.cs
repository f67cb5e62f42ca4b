using System.Diagnostics;
using EventPlatform.Projections.JobStatus;
using EventPlatform.Projections.JobTimeline;
using EventPlatform.Projections.QueueStats;
using EventPlatform.Projections.UserJobStats;
using JasperFx;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace EventPlatform.Projections.Maintenance;

/// <summary>How one rebuild went: how many events it replayed and how long it took.</summary>
public sealed record ProjectionRebuild(string Projection, long Events, long ElapsedMs);

/// <summary>The async projections are rebuilt by the daemon that runs them, which is not this process's.</summary>
public sealed class AsyncDaemonNotRunningException(string projection)
    : Exception($"{projection} is built by the async daemon, which does not run it in this process (EventStore:RunAsyncDaemon is off, or another process holds its lock); rebuild it where the daemon runs it.");

/// <summary>
/// Rebuilds a projection from the job streams (docs/adr/0016-figures-rebuild-and-audit.md).
/// The inline status view is rewritten in place, batch by batch under the batch's stream locks, so
/// it never disappears under readers; the async views are rebuilt by the running daemon, which
/// stops their shard for the duration and resumes it afterwards.
/// </summary>
public sealed class ProjectionRebuilder(IDocumentStore store, IServiceProvider services)
{
    public const string All = "all";

    private static readonly TimeSpan DaemonRebuildTimeout = TimeSpan.FromMinutes(30);

    private static readonly TimeSpan LeadershipWait = TimeSpan.FromSeconds(10);

    public static IReadOnlyList<string> Names { get; } =
    [
        JobStatusProjection.ProjectionName,
        JobTimelineProjection.ProjectionName,
        UserJobStatsProjection.ProjectionName,
        QueueStatsProjection.ProjectionName,
    ];

    /// <summary>The projection's proper name, matched case-insensitively; null if there is none by that name.</summary>
    public static string? Find(string name) => Names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));

    public async Task<ProjectionRebuild> RebuildAsync(string projection, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var events = projection == JobStatusProjection.ProjectionName
            ? await RebuildJobStatusAsync(cancellationToken).ConfigureAwait(false)
            : await RebuildWithDaemonAsync(projection, cancellationToken).ConfigureAwait(false);
        return new ProjectionRebuild(projection, events, watch.ElapsedMilliseconds);
    }

    /// <summary>
    /// A write to a job in the batch being rewritten waits for the batch's commit (the stream rows
    /// are locked first), and one that committed before the lock is in the events replayed. Status
    /// rows that no stream backs are removed last: the streams are the whole truth.
    /// </summary>
    private async Task<long> RebuildJobStatusAsync(CancellationToken cancellationToken)
    {
        long events = 0;
        var after = Guid.Empty;
        while (true)
        {
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var streams = await JobStreams.NextBatchAsync(session, after, lockStreams: true, cancellationToken).ConfigureAwait(false);
            if (streams.Count == 0)
            {
                JobStreams.QueueOrphanedStatusRowsDeletion(session);
                await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return events;
            }

            var (views, replayed) = await JobStreams.ReplayAsync(session, streams, cancellationToken).ConfigureAwait(false);
            session.Store(views.Values.ToArray());
            await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            events += replayed;
            after = streams[^1];
        }
    }

    private async Task<long> RebuildWithDaemonAsync(string projection, CancellationToken cancellationToken)
    {
        var coordinator = services.GetService<IProjectionCoordinator>() ?? throw new AsyncDaemonNotRunningException(projection);
        var daemon = coordinator.DaemonForMainDatabase();
        var shard = new ShardName(projection).Identity;

        // Under HotCold a shard runs only where its lock is held. Rebuilt (and restarted below)
        // anywhere else, it would be projected twice. A process that has just started takes its
        // locks within one leadership round.
        var deadline = DateTime.UtcNow + LeadershipWait;
        while (daemon.StatusFor(shard) != AgentStatus.Running)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new AsyncDaemonNotRunningException(projection);
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        await daemon.RebuildProjectionAsync(projection, DaemonRebuildTimeout, cancellationToken).ConfigureAwait(false);

        // The daemon leaves a rebuilt shard stopped; it has to go on following new events.
        if (daemon.StatusFor(shard) != AgentStatus.Running)
        {
            await daemon.StartAgentAsync(shard, cancellationToken).ConfigureAwait(false);
        }

        await using var session = store.QuerySession();
        return await session.Events.QueryAllRawEvents().LongCountAsync(cancellationToken).ConfigureAwait(false);
    }
}

using System.Diagnostics;
using System.Text;
using EventPlatform.EndToEndTests;
using EventPlatform.Projections.JobStatus;
using EventPlatform.Projections.JobTimeline;
using EventPlatform.Projections.Maintenance;
using EventPlatform.Testing;
using JasperFx;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace EventPlatform.IntegrationTests.Projections;

/// <summary>
/// Two projections hosts (the built host with Host:Modules=Projections) run Marten's async daemon in
/// HotCold mode on one database while jobs are appended. The one that leads every async view is
/// killed with SIGKILL; the other must take every view over within seconds, and the views it leaves
/// must equal, row for row, what a rebuild from the streams gives (docs/adr/0003-async-daemon-solo.md).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class When_two_daemons_share_one_database
{
    private const string First = "ep-daemon-first";
    private const string Second = "ep-daemon-second";

    /// <summary>One leadership round is 5 s; the rest is slack for a loaded two-core machine.</summary>
    private static readonly TimeSpan TakeoverLimit = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Should_hand_every_async_view_to_the_survivor_of_a_killed_leader_and_match_a_rebuild()
    {
        await using var writer = await ProjectionsHost.StartAsync("hotcold", runAsyncDaemon: false);
        var shardLocks = ShardLocks(writer);
        var output = new StringBuilder();

        using var first = await StartDaemonHostAsync(writer, First, output);
        await HoldersAsync(writer, shardLocks, First, TimeSpan.FromSeconds(30), "the first daemon to lead every async view");
        using var second = await StartDaemonHostAsync(writer, Second, output);

        using var stopAppending = new CancellationTokenSource();
        var appending = AppendUntilStoppedAsync(writer, stopAppending.Token);
        await Eventually.MatchAsync(
            () => RowCountAsync(writer, "mt_doc_jobtimelineview"),
            rows => rows > 0,
            TimeSpan.FromSeconds(30),
            "the leader to project the first jobs");
        await HoldersAsync(writer, shardLocks, First, TimeSpan.Zero, "the first daemon to still lead every view while the second waits");

        var sinceKill = Stopwatch.StartNew();
        await first.KillAsync();
        await HoldersAsync(writer, shardLocks, Second, TakeoverLimit, "the second daemon to take every async view over");
        var takeover = sinceKill.Elapsed;
        var timelineAtTakeover = await RowCountAsync(writer, "mt_doc_jobtimelineview");

        // Jobs keep coming after the takeover, so the survivor resumes mid-stream, not at a quiet end.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stopAppending.CancelAsync();
        var jobs = await appending;
        var catchingUp = Stopwatch.StartNew();
        await writer.CaughtUpAsync();
        await TestContext.Out.WriteLineAsync(
            $"{jobs} jobs appended; the second daemon held every shard lock {takeover.TotalSeconds:0.0} s after the kill "
            + $"({timelineAtTakeover} timelines then) and caught up {catchingUp.Elapsed.TotalSeconds:0.0} s after the appends stopped");

        var projected = await When_projections_are_rebuilt.SnapshotAsync(writer, When_projections_are_rebuilt.AsyncViews);
        await second.KillAsync();
        await using (var rebuilder = await ProjectionsHost.StartOnAsync(writer.ConnectionString))
        {
            foreach (var projection in ProjectionRebuilder.Names.Where(n => n != JobStatusProjection.ProjectionName))
            {
                await rebuilder.Get<ProjectionRebuilder>().RebuildAsync(projection, CancellationToken.None);
            }
        }

        var rebuilt = await When_projections_are_rebuilt.SnapshotAsync(writer, When_projections_are_rebuilt.AsyncViews);
        Assert.That(takeover, Is.LessThan(TakeoverLimit));
        Assert.That(projected["JobTimelineView"], Has.Count.EqualTo(jobs).And.Count.GreaterThan(timelineAtTakeover));
        foreach (var view in When_projections_are_rebuilt.AsyncViews)
        {
            Assert.That(projected[view], Is.EqualTo(rebuilt[view]), $"{view} as the daemons left it, against its rebuild");
        }
    }

    [Test]
    public async Task Should_rebuild_an_async_view_only_where_its_daemon_runs_it()
    {
        await using var leader = await ProjectionsHost.StartAsync("hotcold-rebuild");
        var daemon = leader.Get<IProjectionCoordinator>().DaemonForMainDatabase();
        await Eventually.MatchAsync(
            () => Task.FromResult(daemon.StatusFor(new ShardName(JobTimelineProjection.ProjectionName).Identity)),
            status => status == AgentStatus.Running,
            TimeSpan.FromSeconds(30),
            "the first host to run the timeline");
        await using var standby = await ProjectionsHost.StartOnAsync(leader.ConnectionString);

        Assert.That(
            () => standby.Get<ProjectionRebuilder>().RebuildAsync(JobTimelineProjection.ProjectionName, CancellationToken.None),
            Throws.TypeOf<AsyncDaemonNotRunningException>().With.Message.Contains("another process holds its lock"));
        var rebuilt = await leader.Get<ProjectionRebuilder>().RebuildAsync(JobTimelineProjection.ProjectionName, CancellationToken.None);
        Assert.That(rebuilt.Projection, Is.EqualTo(JobTimelineProjection.ProjectionName));
    }

    private static Task<HostProcess> StartDaemonHostAsync(ProjectionsHost writer, string name, StringBuilder output) =>
        HostProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["ConnectionStrings__Postgres"] = new NpgsqlConnectionStringBuilder(writer.ConnectionString) { ApplicationName = name }.ConnectionString,
                ["Host__Modules"] = "Projections",
            },
            output,
            HostProcess.FreePort());

    /// <summary>Jobs of every kind of life, 20 at a time, until stopped; returns how many.</summary>
    private static async Task<int> AppendUntilStoppedAsync(ProjectionsHost writer, CancellationToken stop)
    {
        const int Batch = 20;
        var jobs = 0;
        while (!stop.IsCancellationRequested)
        {
            await JobMix.AppendAsync(writer, Batch);
            jobs += Batch;
        }

        return jobs;
    }

    /// <summary>
    /// The advisory lock keys HotCold takes, one per async view: Marten's base lock id plus a hash of
    /// the schema and the view's shard, as every node computes them.
    /// </summary>
    private static long[] ShardLocks(ProjectionsHost writer)
    {
        var options = writer.Get<StoreOptions>();
        return [.. options.Projections.AllShards().Select(shard =>
            (long)ProjectionLockIds.Compute(options.Events.DatabaseSchemaName, shard.Name, options.Projections.DaemonLockId))];
    }

    /// <summary>Waits until the connections of <paramref name="daemon"/> (its application name) hold every shard lock.</summary>
    private static Task HoldersAsync(ProjectionsHost writer, long[] shardLocks, string daemon, TimeSpan timeout, string what) =>
        Eventually.MatchAsync(
            async () =>
            {
                await using var connection = new NpgsqlConnection(writer.ConnectionString);
                await connection.OpenAsync();
                // A bigint advisory key shows in pg_locks as its high half (classid) and low half (objid).
                await using var select = new NpgsqlCommand(
                    "select (l.classid::bigint << 32) | l.objid::bigint, a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid " +
                    "where l.locktype = 'advisory' and l.granted and l.objsubid = 1 " +
                    "and l.database = (select oid from pg_database where datname = current_database())",
                    connection);
                await using var reader = await select.ExecuteReaderAsync();
                var holders = new Dictionary<long, string>();
                while (await reader.ReadAsync())
                {
                    holders[reader.GetInt64(0)] = reader.GetString(1);
                }

                return string.Join(", ", shardLocks.Select(key => holders.GetValueOrDefault(key, "nobody")));
            },
            holders => holders == string.Join(", ", shardLocks.Select(_ => daemon)),
            timeout,
            what);

    private static async Task<long> RowCountAsync(ProjectionsHost writer, string table)
    {
        await using var connection = new NpgsqlConnection(writer.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand($"select count(*) from eventplatform.{table}", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}

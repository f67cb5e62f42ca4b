using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections.JobStatus;
using EventPlatform.Projections.JobTimeline;
using EventPlatform.Projections.Maintenance;
using EventPlatform.Projections.QueueStats;
using EventPlatform.Projections.UserJobStats;
using Npgsql;

namespace EventPlatform.IntegrationTests.Projections;

[TestFixture]
[NonParallelizable]
public sealed class When_projections_are_rebuilt
{
    /// <summary>The tables of the views Marten's async daemon builds.</summary>
    internal static readonly string[] AsyncViews = [nameof(JobTimelineView), nameof(UserJobStatsView), nameof(QueueStatsView), nameof(WaitingJob)];

    private static readonly string[] Tables = [nameof(JobStatusView), .. AsyncViews];

    [Test]
    public async Task Should_rebuild_every_view_of_1000_jobs_identical_to_before()
    {
        await using var host = await ProjectionsHost.StartAsync("rebuild");
        await JobMix.AppendAsync(host, 1000);
        await host.CaughtUpAsync();
        var before = await SnapshotAsync(host);
        Assert.That(before[nameof(JobStatusView)], Has.Count.EqualTo(1000));
        Assert.That(before[nameof(JobTimelineView)], Has.Count.EqualTo(1000));
        Assert.That(before[nameof(UserJobStatsView)], Has.Count.EqualTo(7));
        Assert.That(before[nameof(QueueStatsView)], Has.Count.EqualTo(1));
        Assert.That(before[nameof(WaitingJob)], Has.Count.EqualTo(200), "jobs left in line (life 0) and waiting for a retry (life 7)");

        var rebuilder = host.Get<ProjectionRebuilder>();
        List<ProjectionRebuild> rebuilds = [];
        foreach (var name in ProjectionRebuilder.Names)
        {
            rebuilds.Add(await rebuilder.RebuildAsync(name, CancellationToken.None));
        }

        await host.CaughtUpAsync();
        var after = await SnapshotAsync(host);

        Assert.That(rebuilds.Select(r => r.Projection), Is.EqualTo(new[] { "JobStatus", "JobTimeline", "UserJobStats", "QueueStats" }));
        Assert.That(rebuilds[0].Events, Is.EqualTo(await EventCountAsync(host)));
        foreach (var table in Tables)
        {
            Assert.That(after[table], Is.EqualTo(before[table]), $"{table} after its rebuild");
        }

        // The rebuilt async views go on following new events.
        var late = await new JobScript(host, "late-user", JobMix.T0).SubmitAsync();
        await host.CaughtUpAsync();
        Assert.That((await host.LoadAsync<UserJobStatsView>("late-user"))?.Jobs.Queued, Is.EqualTo(1));
        Assert.That((await host.LoadAsync<JobTimelineView>(late.JobId))?.Entries, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Should_restore_a_status_row_changed_behind_the_projections_back()
    {
        await using var host = await ProjectionsHost.StartAsync("restore");
        var jobs = await JobMix.AppendAsync(host, 30);
        var before = await SnapshotAsync(host);
        await CorruptStateAsync(host, jobs[9], "Failed");
        Assert.That(await SnapshotAsync(host), Is.Not.EqualTo(before));

        await host.Get<ProjectionRebuilder>().RebuildAsync("JobStatus", CancellationToken.None);

        Assert.That((await SnapshotAsync(host))[nameof(JobStatusView)], Is.EqualTo(before[nameof(JobStatusView)]));
        Assert.That((await host.LoadAsync<JobStatusView>(jobs[9]))!.State, Is.EqualTo(JobPhase.Succeeded));
    }

    [TestCase("jobstatus", "JobStatus")]
    [TestCase("QUEUESTATS", "QueueStats")]
    [TestCase("nothing", null)]
    public void Should_find_projections_by_name_in_any_case(string name, string? found)
    {
        Assert.That(ProjectionRebuilder.Find(name), Is.EqualTo(found));
    }

    internal static async Task CorruptStateAsync(ProjectionsHost host, Guid jobId, string state)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var update = new NpgsqlCommand(
            "update eventplatform.mt_doc_jobstatusview set data = jsonb_set(data, '{State}', to_jsonb(@state::text)) where id = @id", connection);
        update.Parameters.AddWithValue("state", state);
        update.Parameters.AddWithValue("id", jobId);
        Assert.That(await update.ExecuteNonQueryAsync(), Is.EqualTo(1));
    }

    /// <summary>Every row of every view (or of <paramref name="tables"/>), as PostgreSQL's canonical jsonb text, in id order.</summary>
    internal static async Task<Dictionary<string, List<string>>> SnapshotAsync(ProjectionsHost host, IReadOnlyList<string>? tables = null)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        var snapshot = new Dictionary<string, List<string>>();
        foreach (var table in tables ?? Tables)
        {
            await using var select = new NpgsqlCommand($"select id::text || ' ' || data::text from eventplatform.mt_doc_{table.ToLowerInvariant()} order by id", connection);
            await using var reader = await select.ExecuteReaderAsync();
            List<string> rows = [];
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }

            snapshot[table] = rows;
        }

        return snapshot;
    }

    private static async Task<long> EventCountAsync(ProjectionsHost host)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from eventplatform.mt_events", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}

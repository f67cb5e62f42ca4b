using EventPlatform.Projections.JobStatus;
using EventPlatform.Projections.Maintenance;

namespace EventPlatform.IntegrationTests.Projections;

[TestFixture]
[NonParallelizable]
public sealed class When_the_status_views_are_audited
{
    [Test]
    public async Task Should_find_nothing_wrong_in_a_clean_store_and_report_a_corrupted_row_by_job_and_field()
    {
        await using var host = await ProjectionsHost.StartAsync("audit");
        var jobs = await JobMix.AppendAsync(host, 1100);
        var audit = host.Get<JobStatusAudit>();

        var clean = await audit.VerifyAsync(CancellationToken.None);
        Assert.That(clean.Checked, Is.EqualTo(1100), "every stream, across more than one batch");
        Assert.That(clean.Mismatches, Is.Empty);

        await When_projections_are_rebuilt.CorruptStateAsync(host, jobs[19], "Failed");
        var report = await audit.VerifyAsync(CancellationToken.None);

        Assert.That(report.Checked, Is.EqualTo(1100));
        var mismatch = report.Mismatches.Single();
        Assert.That(mismatch.JobId, Is.EqualTo(jobs[19]));
        Assert.That(mismatch.Fields, Is.EqualTo(new[] { "state" }));
        Assert.That(mismatch.Stored["state"]!.Value.GetString(), Is.EqualTo("Failed"));
        Assert.That(mismatch.Replayed["state"]!.Value.GetString(), Is.EqualTo("Succeeded"));

        await host.Get<ProjectionRebuilder>().RebuildAsync("JobStatus", CancellationToken.None);
        Assert.That((await audit.VerifyAsync(CancellationToken.None)).Mismatches, Is.Empty);
    }

    [Test]
    public async Task Should_report_a_status_row_that_no_stream_backs_and_remove_it_on_rebuild()
    {
        await using var host = await ProjectionsHost.StartAsync("audit-orphan");
        var jobs = await JobMix.AppendAsync(host, 20);
        var orphan = (await host.LoadAsync<JobStatusView>(jobs[3]))! with { Id = Guid.CreateVersion7() };
        await using (var session = host.Store.LightweightSession())
        {
            session.Store(orphan);
            await session.SaveChangesAsync();
        }

        var audit = host.Get<JobStatusAudit>();
        var report = await audit.VerifyAsync(CancellationToken.None);

        Assert.That(report.Checked, Is.EqualTo(21), "every stream and the row without one");
        var mismatch = report.Mismatches.Single();
        Assert.That(mismatch.JobId, Is.EqualTo(orphan.Id));
        Assert.That(mismatch.Fields, Does.Contain("state").And.Contain("userId"));
        Assert.That(mismatch.Stored["state"]!.Value.GetString(), Is.EqualTo(orphan.State.ToString()));
        Assert.That(mismatch.Replayed.Values, Is.All.Null, "the job's stream does not exist");

        await host.Get<ProjectionRebuilder>().RebuildAsync("JobStatus", CancellationToken.None);

        Assert.That(await host.LoadAsync<JobStatusView>(orphan.Id), Is.Null);
        Assert.That(await host.LoadAsync<JobStatusView>(jobs[3]), Is.Not.Null, "rows with a stream stay");
        var after = await audit.VerifyAsync(CancellationToken.None);
        Assert.That(after.Checked, Is.EqualTo(20));
        Assert.That(after.Mismatches, Is.Empty);
    }
}

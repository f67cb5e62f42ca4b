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
}

namespace EventPlatform.Bench.Tests;

public class When_summarising_latencies
{
    [Test]
    public void Should_take_percentiles_by_nearest_rank()
    {
        var latencies = Enumerable.Range(1, 200).Select(i => (double)i).Reverse().ToList();

        var stats = LatencyStats.From(latencies);

        Assert.That(stats, Is.EqualTo(new LatencyStats(200, P50Ms: 100, P95Ms: 190, P99Ms: 198, MaxMs: 200, MeanMs: 100.5)));
    }

    [Test]
    public void Should_give_the_only_value_for_every_percentile_of_one()
    {
        var stats = LatencyStats.From([7.5]);

        Assert.That(stats, Is.EqualTo(new LatencyStats(1, 7.5, 7.5, 7.5, 7.5, 7.5)));
    }

    [TestCase(1, 10)]
    [TestCase(25, 10)]
    [TestCase(26, 20)]
    [TestCase(100, 40)]
    public void Should_pick_the_smallest_value_covering_the_percent(double percent, double expected)
    {
        Assert.That(LatencyStats.Percentile([10, 20, 30, 40], percent), Is.EqualTo(expected));
    }

    [Test]
    public void Should_report_nothing_rather_than_zero_for_no_samples()
    {
        var stats = LatencyStats.From([]);

        Assert.That(stats.Count, Is.Zero);
        Assert.That(double.IsNaN(stats.P99Ms), Is.True);
    }
}

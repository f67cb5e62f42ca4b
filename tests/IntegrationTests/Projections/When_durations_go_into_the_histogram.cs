using EventPlatform.Projections.UserJobStats;

namespace EventPlatform.IntegrationTests.Projections;

[TestFixture]
public sealed class When_durations_go_into_the_histogram
{
    [Test]
    public void Should_report_percentiles_within_the_documented_relative_error()
    {
        var histogram = new DurationHistogram();
        for (var seconds = 1; seconds <= 100; seconds++)
        {
            histogram.Add(TimeSpan.FromSeconds(seconds));
        }

        Assert.That(histogram.Count, Is.EqualTo(100));
        Assert.That(histogram.Percentile(0.5)!.Value.TotalSeconds, Is.EqualTo(50).Within(50 * DurationHistogram.MaxRelativeError));
        Assert.That(histogram.Percentile(0.95)!.Value.TotalSeconds, Is.EqualTo(95).Within(95 * DurationHistogram.MaxRelativeError));
        Assert.That(histogram.Percentile(1)!.Value.TotalSeconds, Is.EqualTo(100).Within(100 * DurationHistogram.MaxRelativeError));
        Assert.That(DurationHistogram.MaxRelativeError, Is.LessThan(0.025));
    }

    [Test]
    public void Should_keep_a_bounded_number_of_buckets_however_many_durations()
    {
        var histogram = new DurationHistogram();
        var random = new Random(7);
        for (var i = 0; i < 100_000; i++)
        {
            histogram.Add(TimeSpan.FromMilliseconds(random.NextDouble() * TimeSpan.FromDays(1).TotalMilliseconds));
        }

        Assert.That(histogram.Count, Is.EqualTo(100_000));
        Assert.That(histogram.Buckets.Keys.Max(), Is.LessThanOrEqualTo(DurationHistogram.BucketOf(TimeSpan.FromDays(1))));
        Assert.That(histogram.Buckets, Has.Count.LessThanOrEqualTo(376));
    }

    [Test]
    public void Should_have_no_percentile_without_durations()
    {
        Assert.That(new DurationHistogram().Percentile(0.5), Is.Null);
    }
}

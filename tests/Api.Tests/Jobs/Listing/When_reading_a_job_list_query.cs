using EventPlatform.Api.Jobs.Listing;
using EventPlatform.Contracts.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace EventPlatform.Api.Tests.Jobs.Listing;

public class When_reading_a_job_list_query
{
    [Test]
    public void Should_default_to_the_first_page_of_50_with_no_filters()
    {
        var (query, errors) = Parse(string.Empty);

        Assert.That(errors, Is.Empty);
        Assert.That(query, Is.EqualTo(new JobListQuery(null, null, null, null, null, null, query!.Labels, null, 50)));
        Assert.That(query.Labels, Is.Empty);
    }

    [Test]
    public void Should_read_every_filter()
    {
        var cursor = new JobListCursor(new DateTimeOffset(2026, 11, 22, 10, 0, 0, 123, TimeSpan.Zero).AddTicks(4567), Guid.CreateVersion7());
        var (query, errors) = Parse(
            $"state=timedout&priority=HIGH&user=bob&since=2026-11-22T10:00:00Z&until=2026-11-23T00:00:00%2B01:00&q=echo&label=team:data&label=env:a:b&limit=500&cursor={cursor.Encode()}");

        Assert.That(errors, Is.Empty);
        Assert.That(query!.State, Is.EqualTo(JobPhase.TimedOut));
        Assert.That(query.Priority, Is.EqualTo(JobPriority.High));
        Assert.That(query.User, Is.EqualTo("bob"));
        Assert.That(query.Since, Is.EqualTo(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero)));
        Assert.That(query.Until, Is.EqualTo(new DateTimeOffset(2026, 11, 22, 23, 0, 0, TimeSpan.Zero)));
        Assert.That(query.Text, Is.EqualTo("echo"));
        Assert.That(query.Labels, Is.EqualTo(new Dictionary<string, string> { ["team"] = "data", ["env"] = "a:b" }));
        Assert.That(query.Limit, Is.EqualTo(500));
        Assert.That(query.After, Is.EqualTo(cursor));
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=501", "limit")]
    [TestCase("limit=-1", "limit")]
    [TestCase("limit=1&limit=2", "limit")]
    [TestCase("state=1", "state")]
    [TestCase("state=done", "state")]
    [TestCase("priority=urgent", "priority")]
    [TestCase("since=tomorrow", "since")]
    [TestCase("until=", "until")]
    [TestCase("user=", "user")]
    [TestCase("label=:x", "label")]
    [TestCase("cursor=%%%", "cursor")]
    [TestCase("cursor=MTIzfG5vdC1hLWd1aWQ", "cursor")]
    [TestCase("q=a%00b", "q")]
    [TestCase("user=bob%00", "user")]
    [TestCase("label=team:%00", "label")]
    [TestCase("label=%00:x", "label")]
    public void Should_name_the_parameter_that_is_wrong(string queryString, string parameter)
    {
        var (query, errors) = Parse(queryString);

        Assert.That(query, Is.Null);
        Assert.That(errors.Keys, Is.EqualTo(new[] { parameter }));
    }

    [Test]
    public void Should_bound_the_text_filters_and_the_number_of_labels()
    {
        var longText = new string('q', JobListQuery.MaxTextLength + 1);
        var labels = string.Join('&', Enumerable.Range(0, JobListQuery.MaxLabelFilters + 1).Select(i => $"label=k{i}:v"));

        Assert.That(Parse($"q={longText}").Errors.Keys, Is.EqualTo(new[] { "q" }));
        Assert.That(Parse($"user={longText}").Errors.Keys, Is.EqualTo(new[] { "user" }));
        Assert.That(Parse($"label=team:{longText}").Errors.Keys, Is.EqualTo(new[] { "label" }));
        Assert.That(Parse(labels).Errors["label"], Is.EqualTo(new[] { "label may be given at most 20 times." }));
        Assert.That(Parse($"q={new string('q', JobListQuery.MaxTextLength)}").Errors, Is.Empty);
    }

    private static (JobListQuery? Query, Dictionary<string, string[]> Errors) Parse(string queryString) =>
        JobListQuery.Parse(new QueryCollection(QueryHelpers.ParseQuery(queryString)));
}

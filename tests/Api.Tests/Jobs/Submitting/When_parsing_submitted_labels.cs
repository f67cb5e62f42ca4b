using System.Text.Json;
using EventPlatform.Api.Jobs.Submitting;

namespace EventPlatform.Api.Tests.Jobs.Submitting;

public class When_parsing_submitted_labels
{
    [Test]
    public void Should_read_labels_as_given()
    {
        var (spec, errors) = Parse("""{ "command": ["true"], "labels": { "team": "data", "env": "" } }""");

        Assert.That(errors, Is.Empty);
        Assert.That(spec!.Labels, Is.EqualTo(new Dictionary<string, string> { ["team"] = "data", ["env"] = "" }));
    }

    [Test]
    public void Should_default_to_no_labels()
    {
        var (spec, _) = Parse("""{ "command": ["true"] }""");

        Assert.That(spec!.Labels, Is.Empty);
    }

    [TestCase("""[ "team" ]""")]
    [TestCase("""{ "team": 1 }""")]
    [TestCase("""{ "": "x" }""")]
    [TestCase("""{ "a:b": "x" }""")]
    public void Should_reject_labels_that_are_not_an_object_of_strings_with_plain_keys(string labels)
    {
        var (spec, errors) = Parse($$"""{ "command": ["true"], "labels": {{labels}} }""");

        Assert.That(spec, Is.Null);
        Assert.That(errors.Keys, Is.EqualTo(new[] { "labels" }));
    }

    [Test]
    public void Should_reject_a_key_longer_than_63_characters()
    {
        var (_, errors) = Parse($$"""{ "command": ["true"], "labels": { "{{new string('k', 64)}}": "x" } }""");

        Assert.That(errors.Keys, Is.EqualTo(new[] { "labels" }));
    }

    [Test]
    public void Should_reject_more_than_20_labels()
    {
        var labels = JsonSerializer.Serialize(Enumerable.Range(0, 21).ToDictionary(i => $"k{i}", _ => "v"));
        var (_, errors) = Parse($$"""{ "command": ["true"], "labels": {{labels}} }""");

        Assert.That(errors.Keys, Is.EqualTo(new[] { "labels" }));
    }

    [Test]
    public void Should_take_a_repeated_submission_with_labels_in_another_order_as_the_same_request()
    {
        var (first, _) = Parse("""{ "command": ["true"], "labels": { "a": "1", "b": "2" } }""");
        var (second, _) = Parse("""{ "command": ["true"], "labels": { "b": "2", "a": "1" } }""");
        var (other, _) = Parse("""{ "command": ["true"], "labels": { "a": "1", "b": "3" } }""");

        Assert.That(IdempotentSubmission.SameRequest(first!, second!), Is.True);
        Assert.That(IdempotentSubmission.SameRequest(first!, other!), Is.False);
    }

    private static (Contracts.Jobs.JobSpec? Spec, Dictionary<string, string[]> Errors) Parse(string body)
    {
        var (request, errors) = SubmitJobValidation.Validate(JsonSerializer.Deserialize<JsonElement>(body), idempotencyKey: string.Empty);
        return (request?.ToSpec(), errors);
    }
}

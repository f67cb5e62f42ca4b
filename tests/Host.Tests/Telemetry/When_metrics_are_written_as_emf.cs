using System.Diagnostics.Metrics;
using System.Text.Json;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Host.Telemetry;
using EventPlatform.Sagas.Jobs;
using EventPlatform.Sagas.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace EventPlatform.Host.Tests.Telemetry;

/// <summary>The lifecycle's metrics for one succeeded and one failed job, as the awslogs driver would ship them to CloudWatch.</summary>
public sealed class When_metrics_are_written_as_emf
{
    private static readonly DateTimeOffset Submitted = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private ServiceProvider services = null!;
    private LifecycleMetrics lifecycle = null!;
    private StringWriter output = null!;
    private BaseExportingMetricReader reader = null!;
    private MeterProvider provider = null!;

    [SetUp]
    public void StartExporting()
    {
        services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        lifecycle = new LifecycleMetrics(services.GetRequiredService<IMeterFactory>());
        output = new StringWriter();
        reader = new BaseExportingMetricReader(new EmfMetricExporter("EventPlatform", "Sagas", output))
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Delta,
        };
        provider = Sdk.CreateMeterProviderBuilder().AddMeter(LifecycleMetrics.MeterName).AddReader(reader).Build();
    }

    [TearDown]
    public void StopExporting()
    {
        provider.Dispose();
        reader.Dispose();
        output.Dispose();
        services.Dispose();
    }

    [Test]
    public void Should_write_lines_that_keep_the_embedded_metric_format_specification()
    {
        RunJobs();

        var lines = Lines();

        Assert.That(lines, Is.Not.Empty);
        Assert.That(lines.SelectMany(EmfSpecification.Problems), Is.Empty);
        foreach (var line in lines)
        {
            var aws = JsonDocument.Parse(line).RootElement.GetProperty("_aws");
            Assert.That(aws.GetProperty("Timestamp").GetInt64(), Is.EqualTo(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).Within(60_000));
            Assert.That(aws.GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString(), Is.EqualTo("EventPlatform"));
        }
    }

    [Test]
    public void Should_count_each_outcome_under_its_dimensions_with_its_unit()
    {
        RunJobs();

        var succeeded = Line("outcome", "succeeded");
        var failed = Line("outcome", "failed");

        Assert.That(Dimensions(succeeded), Is.EqualTo(new[] { "Service", "outcome" }));
        Assert.That(succeeded.GetProperty("Service").GetString(), Is.EqualTo("Sagas"));
        Assert.That(succeeded.GetProperty("eventplatform.jobs.finished").GetDouble(), Is.EqualTo(1));
        Assert.That(failed.GetProperty("eventplatform.jobs.finished").GetDouble(), Is.EqualTo(1));
        Assert.That(Unit(succeeded, "eventplatform.jobs.finished"), Is.EqualTo("Count"));

        // Submitted at noon, succeeded 90 s later having run 60 s; failed 30 s later having run 10 s.
        Assert.That(succeeded.GetProperty("eventplatform.job.end_to_end.count").GetDouble(), Is.EqualTo(1));
        Assert.That(succeeded.GetProperty("eventplatform.job.end_to_end.sum").GetDouble(), Is.EqualTo(90));
        Assert.That(succeeded.GetProperty("eventplatform.job.run_time.max").GetDouble(), Is.EqualTo(60));
        Assert.That(failed.GetProperty("eventplatform.job.run_time.sum").GetDouble(), Is.EqualTo(10));
        Assert.That(Unit(failed, "eventplatform.job.run_time.sum"), Is.EqualTo("Seconds"));
        Assert.That(Unit(failed, "eventplatform.job.run_time.count"), Is.EqualTo("Count"));
    }

    [Test]
    public void Should_write_only_what_changed_since_the_last_lines()
    {
        RunJobs();
        Lines();
        output.GetStringBuilder().Clear();

        Finish(new JobFailed(Guid.CreateVersion7(), 1, 3, "Command exited with code 3.", Submitted.AddSeconds(5)), started: null);
        var failed = Line("outcome", "failed");

        Assert.That(failed.GetProperty("eventplatform.jobs.finished").GetDouble(), Is.EqualTo(1), "a delta: one more failure");
        Assert.That(failed.TryGetProperty("eventplatform.job.run_time.count", out _), Is.False, "it never ran");
        Assert.That(Lines().Any(line => line.Contains("\"succeeded\"", StringComparison.Ordinal)), Is.False, "nothing succeeded since");
    }

    private void RunJobs()
    {
        Finish(new JobSucceeded(Guid.CreateVersion7(), 1, 0, Submitted.AddSeconds(90)), started: Submitted.AddSeconds(30));
        Finish(new JobFailed(Guid.CreateVersion7(), 1, 3, "Command exited with code 3.", Submitted.AddSeconds(30)), started: Submitted.AddSeconds(20));
    }

    private void Finish(object ended, DateTimeOffset? started)
    {
        var job = new JobState { CorrelationId = Guid.CreateVersion7(), Attempt = 1, QueuedAt = Submitted, StartedAt = started };
        lifecycle.Committed(job, [ended]);
    }

    private List<string> Lines()
    {
        reader.Collect();
        return [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private JsonElement Line(string dimension, string value) =>
        Lines().Select(line => JsonDocument.Parse(line).RootElement)
            .Single(root => root.TryGetProperty(dimension, out var v) && v.GetString() == value);

    private static string[] Dimensions(JsonElement root) =>
        [.. root.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions")[0].EnumerateArray().Select(d => d.GetString()!)];

    private static string Unit(JsonElement root, string metric) =>
        root.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics").EnumerateArray()
            .Single(m => m.GetProperty("Name").GetString() == metric).GetProperty("Unit").GetString()!;
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Api.Tests.Hosting;
using EventPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace EventPlatform.Api.Tests.Telemetry;

/// <summary>
/// The spans of one job, from its POST /jobs through every bus hop, the admission and the task's
/// events to its end, collected by OpenTelemetry's in-memory exporter in the host.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class When_a_job_is_traced : ApiHost
{
    private readonly ConcurrentQueue<Activity> spans = new();

    [Test]
    public async Task Should_put_every_hop_of_the_job_in_the_trace_its_submission_started()
    {
        using var alice = ClientFor(AliceKey);
        var jobId = await SubmitAsync(alice, new { command = new[] { "true" } });
        await StateAsync(alice, jobId, "Succeeded");

        var root = spans.Single(s => s.Kind == ActivityKind.Server && s.DisplayName.StartsWith("POST", StringComparison.Ordinal)
            && (s.GetTagItem("url.path") as string) == "/jobs");
        var trace = await Eventually.MatchAsync(
            () => Task.FromResult(spans.Where(s => s.TraceId == root.TraceId).ToList()),
            // A span is exported when it ends, and a receive ends after the processing inside it.
            found => Consumed(found, "TaskStopped").Any() && found.All(s => s == root || found.Any(parent => parent.SpanId == s.ParentSpanId)),
            TimeSpan.FromSeconds(10),
            "the task's stop to be consumed in the job's trace, every span's parent ended");
        var described = Describe(trace);

        Assert.That(root.ParentSpanId, Is.EqualTo(default(ActivitySpanId)), "the request starts the trace");
        Assert.That(trace.Where(s => s != root).Select(s => s.ParentSpanId).Distinct(), Is.SubsetOf(trace.Select(s => s.SpanId)), $"every span's parent is in the trace:\n{described}");

        // The submission and the admission follow each other; the launch and the task's events (which the
        // task carries back, from ECS as from a local launcher) all come from the transition that launched it.
        string[] hops = ["JobSubmitted", "JobAdmitted", "LaunchTask", "TaskStarted", "TaskStopped"];
        var first = hops.Select(hop => Consumed(trace, hop).OrderBy(s => s.StartTimeUtc).FirstOrDefault()).ToList();
        Assert.That(first, Has.None.Null, $"every hop consumed in the job's trace:\n{described}");
        Assert.That(first.Select(s => s!.StartTimeUtc), Is.Ordered.Ascending, described);
        Assert.That(AncestorsOf(first[0]!, trace), Does.Contain(root), described);
        Assert.That(AncestorsOf(first[1]!, trace), Does.Contain(first[0]!), $"JobAdmitted descends from JobSubmitted:\n{described}");
        foreach (var hop in first.Skip(2))
        {
            Assert.That(AncestorsOf(hop!, trace), Does.Contain(first[1]!), $"{hop!.DisplayName} descends from JobAdmitted:\n{described}");
        }

        Assert.That(trace.Select(s => s.OperationName), Does.Contain("admission").And.Contain("task event"), described);

        var job = await alice.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}", UriKind.Relative));
        Assert.That(job.GetProperty("traceId").GetString(), Is.EqualTo(root.TraceId.ToHexString()), "the job names its trace");
    }

    protected override void ConfigureServices(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(new Collector(spans))));

    private static IEnumerable<Activity> Consumed(IEnumerable<Activity> trace, string messageType) =>
        trace.Where(s => s.Kind == ActivityKind.Consumer && Tags(s).Contains($":{messageType}", StringComparison.Ordinal));

    private static string Tags(Activity span) => string.Join(" ", span.TagObjects.Select(t => $"{t.Key}={t.Value}"));

    private static List<Activity> AncestorsOf(Activity span, IReadOnlyList<Activity> trace)
    {
        List<Activity> ancestors = [];
        for (var parent = trace.FirstOrDefault(s => s.SpanId == span.ParentSpanId); parent is not null; parent = trace.FirstOrDefault(s => s.SpanId == parent.ParentSpanId))
        {
            ancestors.Add(parent);
        }

        return ancestors;
    }

    private static string Describe(IEnumerable<Activity> trace) => string.Join(
        "\n", trace.OrderBy(s => s.StartTimeUtc).Select(s => $"{s.SpanId} <- {s.ParentSpanId} {s.Kind} {s.DisplayName} [{Tags(s)}]"));

    private sealed class Collector(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var span in batch)
            {
                spans.Enqueue(span);
            }

            return ExportResult.Success;
        }
    }
}

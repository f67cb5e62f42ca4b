using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using EventPlatform.Api.Tests.Hosting;
using EventPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EventPlatform.Api.Tests.Telemetry;

/// <summary>
/// The figures an operator reads, from one host running every module with the instant launcher:
/// alice's jobs succeed at once, bob's wait for ever (his cap is 0 running jobs).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class When_jobs_are_measured : ApiHost
{
    private RecordedMetrics metrics = null!;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Telemetry:Gauges:Interval"] = "00:00:00.200",
    };

    [OneTimeSetUp]
    public void Listen() => metrics = new RecordedMetrics(Services.GetRequiredService<IMeterFactory>());

    [OneTimeTearDown]
    public void StopListening() => metrics.Dispose();

    [Test, Order(1)]
    public async Task Should_count_each_job_submitted_by_priority_and_each_one_that_ended_by_outcome()
    {
        using var alice = ClientFor(AliceKey);
        Guid[] jobs =
        [
            await SubmitAsync(alice, new { command = new[] { "true" } }),
            await SubmitAsync(alice, new { command = new[] { "true" }, priority = "normal" }),
            await SubmitAsync(alice, new { command = new[] { "true" }, priority = "high" }),
        ];
        foreach (var job in jobs)
        {
            await StateAsync(alice, job, "Succeeded");
        }

        Assert.That(metrics.Sum("eventplatform.jobs.submitted", ("priority", "normal")), Is.EqualTo(2));
        Assert.That(metrics.Sum("eventplatform.jobs.submitted", ("priority", "high")), Is.EqualTo(1));
        await Eventually.MatchAsync(
            () => Task.FromResult(metrics.Sum("eventplatform.jobs.finished", ("outcome", "succeeded"))), n => n == 3, TimeSpan.FromSeconds(10), "3 jobs finished");
        Assert.That(metrics.Sum("eventplatform.task.launches", ("launcher", "instant")), Is.EqualTo(3));
        Assert.That(metrics.Sum("eventplatform.task_events.received", ("last_status", "RUNNING")), Is.EqualTo(3));
        Assert.That(metrics.Sum("eventplatform.task_events.received", ("last_status", "STOPPED")), Is.EqualTo(3));
    }

    [Test, Order(2)]
    public void Should_time_each_phase_of_the_jobs_that_ran_once_each()
    {
        Assert.That(metrics.Count("eventplatform.job.queue_wait"), Is.EqualTo(3));
        Assert.That(metrics.Count("eventplatform.job.start_latency"), Is.EqualTo(3));
        Assert.That(metrics.Count("eventplatform.job.run_time", ("outcome", "succeeded")), Is.EqualTo(3));
        Assert.That(metrics.Count("eventplatform.job.end_to_end", ("outcome", "succeeded")), Is.EqualTo(3));
        Assert.That(metrics.Values("eventplatform.job.end_to_end"), Has.All.InRange(0.0, 60.0), "seconds, from submission to the end");
    }

    [Test, Order(3)]
    public async Task Should_count_refused_submissions_by_reason()
    {
        using var alice = ClientFor(AliceKey);
        using var nobody = ClientFor(apiKey: null);

        using var invalid = await alice.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), new { command = Array.Empty<string>() });
        using var unauthorized = await nobody.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), new { command = new[] { "true" } });
        using var readWithoutKey = await nobody.GetAsync(new Uri("/jobs", UriKind.Relative));

        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(unauthorized.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(metrics.Sum("eventplatform.submissions.refused", ("reason", "invalid")), Is.EqualTo(1));
        Assert.That(metrics.Sum("eventplatform.submissions.refused", ("reason", "unauthorized")), Is.EqualTo(1), "a refused read is not a refused submission");
    }

    [Test, Order(4)]
    public async Task Should_show_a_waiting_job_and_a_dead_letter_in_the_gauges_and_count_a_cancelled_job()
    {
        using var bob = ClientFor(BobKey);
        var waiting = await SubmitAsync(bob, new { command = new[] { "true" } });
        await DeadLetterAsync(new Contracts.Tasks.StopTask(Guid.CreateVersion7(), 1, TaskId: null, "test"));

        await Eventually.MatchAsync(
            () => Task.FromResult((Queued: metrics.Gauge("eventplatform.jobs.current", ("state", "Queued")), Letters: metrics.Gauge("eventplatform.dead_letters.waiting"))),
            read => read is { Queued: 1, Letters: 1 },
            TimeSpan.FromSeconds(10),
            "one queued job and one dead letter in the gauges");
        Assert.That(metrics.Gauge("eventplatform.queue.oldest_wait"), Is.GreaterThan(0));
        Assert.That(metrics.Gauge("eventplatform.admission.slots.limit", ("scope", "global")), Is.EqualTo(32));

        using var cancel = await bob.PostAsync(new Uri($"/jobs/{waiting}/cancel", UriKind.Relative), content: null);
        await StateAsync(bob, waiting, "Cancelled");
        await Eventually.MatchAsync(
            () => Task.FromResult(metrics.Sum("eventplatform.jobs.finished", ("outcome", "cancelled"))), n => n == 1, TimeSpan.FromSeconds(10), "the cancelled job counted");
        Assert.That(metrics.Count("eventplatform.job.run_time", ("outcome", "cancelled")), Is.Zero, "it never ran");
    }

    [Test, Order(5)]
    public async Task Should_serve_the_figures_to_prometheus_without_a_key()
    {
        using var nobody = ClientFor(apiKey: null);

        using var response = await nobody.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(text, Does.Contain("eventplatform_jobs_submitted_total{").And.Contain("priority=\"high\""));
        Assert.That(text, Does.Contain("eventplatform_job_end_to_end_seconds_count{"));
    }
}

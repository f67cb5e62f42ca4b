using System.Net;
using EventPlatform.Testing;

namespace EventPlatform.EndToEndTests;

/// <summary>
/// A real Prometheus scrapes the all-in-one host while a known mix of jobs runs in the sandbox; what
/// it stored, read through its HTTP API, is what happened.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class When_prometheus_scrapes_the_platform : PlatformFixture
{
    private TestPrometheus prometheus = null!;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Telemetry__Gauges__Interval"] = "00:00:00.500",
    };

    [OneTimeSetUp]
    public async Task StartPrometheus() => prometheus = await TestPrometheus.StartAsync(
        $"127.0.0.1:{Platform.BaseAddress.Port}", ruleFiles: Path.Combine(BuiltPrograms.RepositoryRoot, "infra", "prometheus", "eventplatform.rules.yml"));

    [OneTimeTearDown]
    public async Task StopPrometheus() => await prometheus.DisposeAsync();

    // First: its counts are of its own jobs, before the other tests add theirs.
    [Test, Order(1)]
    public async Task Should_store_each_job_by_outcome_and_time_every_one_of_them()
    {
        var succeeded = await SubmitAsync(new { command = new[] { "true" } });
        var failed = await SubmitAsync(new { command = new[] { "sh", "-c", "exit 3" } });
        var timedOut = await SubmitAsync(new { command = new[] { "sleep", "30" }, timeoutSeconds = 1 });
        var retried = await SubmitAsync(new
        {
            command = new[] { "sh", "-c", "if [ \"$EP_ATTEMPT\" -ge 2 ]; then exit 0; fi; exit 4" },
            retryOnExitCodes = new[] { 4 },
            maxAttempts = 2,
            priority = "high",
        });
        var cancelled = await SubmitAsync(new { command = new[] { "sleep", "60" }, priority = "low" });
        await StateAsync(cancelled, "Running");
        using (var cancel = await Platform.Http.PostAsync(new Uri($"/jobs/{cancelled}/cancel", UriKind.Relative), content: null))
        {
            Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }

        var ends = new Dictionary<Guid, string>();
        foreach (var job in new[] { succeeded, failed, timedOut, retried, cancelled })
        {
            ends[job] = (await FinalStateAsync(job)).GetProperty("state").GetString()!;
        }

        Assert.That(ends.Values, Is.EqualTo(new[] { "Succeeded", "Failed", "TimedOut", "Succeeded", "Cancelled" }), Platform.Output);

        var finished = await ScrapedAsync("sum by (outcome) (eventplatform_jobs_finished_total)", "outcome", series => series.Values.Sum() >= 5);
        Assert.That(finished, Is.EquivalentTo(new Dictionary<string, double>
        {
            ["succeeded"] = 2, ["failed"] = 1, ["timed_out"] = 1, ["cancelled"] = 1,
        }));
        Assert.That(
            await prometheus.QueryAsync("sum by (priority) (eventplatform_jobs_submitted_total)", "priority"),
            Is.EquivalentTo(new Dictionary<string, double> { ["normal"] = 3, ["high"] = 1, ["low"] = 1 }));
        Assert.That(
            await prometheus.QueryAsync("sum by (reason) (eventplatform_jobs_retries_total)", "reason"),
            Is.EquivalentTo(new Dictionary<string, double> { ["exit_code"] = 1 }));

        // Six attempts ran (the retried job twice); every job waited in line and ended once.
        Assert.That(
            await prometheus.QueryAsync("sum by (outcome) (eventplatform_job_run_time_seconds_count)", "outcome"),
            Is.EquivalentTo(new Dictionary<string, double>
            {
                ["succeeded"] = 2, ["failed"] = 1, ["timed_out"] = 1, ["cancelled"] = 1, ["retried"] = 1,
            }));
        Assert.That(await prometheus.QueryAsync("sum(eventplatform_job_end_to_end_seconds_count)"), Is.EqualTo(new Dictionary<string, double> { [""] = 5 }));
        Assert.That(await prometheus.QueryAsync("sum(eventplatform_job_queue_wait_seconds_count)"), Is.EqualTo(new Dictionary<string, double> { [""] = 5 }));
        Assert.That(await prometheus.QueryAsync("sum(eventplatform_job_start_latency_seconds_count)"), Is.EqualTo(new Dictionary<string, double> { [""] = 6 }));
        Assert.That(
            await prometheus.QueryAsync("sum by (launcher) (eventplatform_task_launches_total)", "launcher"),
            Is.EqualTo(new Dictionary<string, double> { ["local"] = 6 }));

        // The timed-out job ran at least its timeout, and at most the test's patience.
        var timedOutRun = await prometheus.QueryAsync("eventplatform_job_run_time_seconds_sum{outcome=\"timed_out\"}");
        Assert.That(timedOutRun.Values.Single(), Is.InRange(1.0, 60.0));
    }

    [Test]
    public async Task Should_store_the_instruments_of_the_runtime_the_web_server_the_database_client_and_the_bus()
    {
        await SubmitAsync(new { command = new[] { "true" } });

        foreach (var metric in new[]
        {
            "dotnet_gc_collections_total", "http_server_request_duration_seconds_count", "db_client_operation_duration_seconds_count",
            "messaging_masstransit_consume_ea_total",
        })
        {
            await ScrapedAsync($"count({metric})", "", series => series.Count == 1, what: metric);
        }
    }

    [Test]
    public async Task Should_evaluate_the_shipped_rules_on_series_the_platform_exports()
    {
        await SubmitAsync(new { command = new[] { "true" } });

        var rules = await Eventually.MatchAsync(
            prometheus.RulesAsync, loaded => loaded.Count > 0 && loaded.Values.All(health => health == "ok"), TimeSpan.FromSeconds(30), "every rule evaluated");
        Assert.That(rules.Keys, Does.Contain("EventPlatformJobsFailing").And.Contain("EventPlatformTimersLate").And.Contain("eventplatform:jobs_finished:rate5m"));

        // A rule on a name nobody exports would never fire: each name the rules read is there.
        foreach (var series in new[]
        {
            "eventplatform_dead_letters_waiting", "eventplatform_queue_oldest_wait_seconds", "eventplatform_timers_overdue_seconds",
            "eventplatform_job_end_to_end_seconds_bucket", "eventplatform_job_queue_wait_seconds_bucket", "eventplatform_jobs_finished_total",
            "http_server_request_duration_seconds_count",
        })
        {
            await ScrapedAsync($"count({series})", "", found => found.Count == 1, what: series);
        }
    }

    /// <summary>Polls Prometheus until a query's result satisfies <paramref name="done"/>: it scrapes every second.</summary>
    private async Task<IReadOnlyDictionary<string, double>> ScrapedAsync(
        string promql, string keyLabel, Func<IReadOnlyDictionary<string, double>, bool> done, string? what = null) =>
        await Eventually.MatchAsync(
            () => prometheus.QueryAsync(promql, keyLabel),
            done,
            TimeSpan.FromSeconds(30),
            $"Prometheus to hold {what ?? promql}\n{prometheus.Output}");
}

using System.Text.Json;
using EventPlatform.Testing;

namespace EventPlatform.EndToEndTests;

/// <summary>
/// kill -9 of the all-in-one host with 50 jobs in flight: every message in memory is gone, every
/// local task loses its launcher. What is committed in PostgreSQL (streams, sagas, timers) must
/// carry every job to exactly one end once a new host starts.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class When_the_host_is_killed_mid_flight
{
    private static readonly string[] TerminalEvents = ["JobSucceeded", "JobFailed", "JobTimedOut", "JobCancelled"];

    [Test]
    public async Task Should_bring_every_job_to_one_end_after_a_restart()
    {
        await using var platform = await RunningPlatform.StartAsync(new Dictionary<string, string>
        {
            ["JobLifecycle__StartTimeout"] = "00:00:15",
            ["JobLifecycle__SubmissionRecoveryDelay"] = "00:00:03",
            ["Reconciliation__StartupDelay"] = "00:00:01",
            ["Reconciliation__Interval"] = "00:00:02",
        });
        var quick = new List<Guid>();
        var overstaying = new List<Guid>();
        var failing = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            switch (i % 3)
            {
                case 0:
                    quick.Add(await SubmitAsync(platform, new { command = new[] { "sh", "-c", "sleep 1" }, timeoutSeconds = 5 }));
                    break;
                case 1:
                    overstaying.Add(await SubmitAsync(platform, new { command = new[] { "sleep", "120" }, timeoutSeconds = 3 }));
                    break;
                default:
                    failing.Add(await SubmitAsync(platform, new { command = new[] { "sh", "-c", "sleep 1; exit 3" }, timeoutSeconds = 5 }));
                    break;
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await platform.KillAsync();
        await platform.RestartAsync();

        var all = quick.Concat(overstaying).Concat(failing).ToList();
        var finals = new Dictionary<Guid, JsonElement>();
        foreach (var jobId in all)
        {
            finals[jobId] = await Eventually.MatchAsync(
                () => GetJobAsync(platform, jobId),
                job => job.GetProperty("state").GetString() is "Succeeded" or "Failed" or "TimedOut" or "Cancelled",
                TimeSpan.FromSeconds(90),
                $"job {jobId} to end after the restart");
        }

        foreach (var jobId in all)
        {
            var types = await EventTypesAsync(platform, jobId);
            Assert.That(types.Count(t => TerminalEvents.Contains(t)), Is.EqualTo(1), $"job {jobId}: {string.Join(", ", types)}");
        }

        Assert.That(overstaying.Select(id => finals[id].GetProperty("state").GetString()), Is.All.EqualTo("TimedOut"), "timeouts still fire");
        Assert.That(quick.Select(id => finals[id].GetProperty("state").GetString()), Is.All.AnyOf("Succeeded", "TimedOut"));
        Assert.That(failing.Select(id => finals[id].GetProperty("state").GetString()), Is.All.AnyOf("Failed", "TimedOut"));
    }

    [Test]
    public async Task Should_find_a_running_task_the_dead_host_took_with_it_and_run_the_job_again()
    {
        await using var platform = await RunningPlatform.StartAsync(new Dictionary<string, string>
        {
            ["Reconciliation__StartupDelay"] = "00:00:01",
            ["Reconciliation__Interval"] = "00:00:02",
        });
        var jobId = await SubmitAsync(platform, new { command = new[] { "sleep", "120" }, timeoutSeconds = 300 });
        await Eventually.MatchAsync(() => GetJobAsync(platform, jobId), job => job.GetProperty("state").GetString() == "Running", TimeSpan.FromSeconds(30), "the job to run");

        await platform.KillAsync();
        await platform.RestartAsync();

        // Without reconciliation it would sit in Running until its five-minute deadline.
        var again = await Eventually.MatchAsync(
            () => GetJobAsync(platform, jobId),
            job => job.GetProperty("attempt").GetInt32() == 2 && job.GetProperty("state").GetString() == "Running",
            TimeSpan.FromSeconds(30),
            "attempt 2 to run after the restart");
        Assert.That(again.GetProperty("error").GetString(), Does.Contain("TaskLost"));
        var types = await EventTypesAsync(platform, jobId);
        Assert.That(types, Is.EqualTo(new[]
        {
            "JobSubmitted", "JobQueued", "JobLaunchRequested", "JobStarted", "JobRetryScheduled",
            "JobQueued", "JobLaunchRequested", "JobStarted",
        }));

        using var cancel = await platform.Http.PostAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), content: null);
        cancel.EnsureSuccessStatusCode();
    }

    private static async Task<Guid> SubmitAsync(RunningPlatform platform, object job)
    {
        using var response = await platform.Http.PostAsync(
            new Uri("/jobs", UriKind.Relative),
            new StringContent(JsonSerializer.Serialize(job), System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("jobId").GetGuid();
    }

    private static async Task<JsonElement> GetJobAsync(RunningPlatform platform, Guid jobId)
    {
        using var body = JsonDocument.Parse(await platform.Http.GetStringAsync(new Uri($"/jobs/{jobId}", UriKind.Relative)));
        return body.RootElement.Clone();
    }

    private static async Task<IReadOnlyList<string>> EventTypesAsync(RunningPlatform platform, Guid jobId)
    {
        using var body = JsonDocument.Parse(await platform.Http.GetStringAsync(new Uri($"/jobs/{jobId}/events", UriKind.Relative)));
        return [.. body.RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetString()!)];
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace EventPlatform.EndToEndTests;

/// <summary>
/// A thousand jobs flow in from eight clients while a role of the platform is killed with SIGKILL and
/// started again, the broker restarts, or PostgreSQL crashes and restarts. Afterwards every job the
/// API accepted (202) exists, ends exactly once, in the end its kind calls for; no attempt is launched
/// or started twice; and the audit finds every status row equal to its stream. The instant launcher
/// runs the jobs, so what is measured is the platform, not the commands (docs/reliability.md).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class When_faults_strike_a_flow_of_jobs
{
    private const int Clients = 8;
    private const string Schema = "eventplatform";
    private static readonly int Jobs = int.TryParse(Environment.GetEnvironmentVariable("EP_FAULT_JOBS"), CultureInfo.InvariantCulture, out var jobs) ? jobs : 1_000;

    /// <summary>Timers short enough that a fault is recovered from within seconds.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["EcsBridge__Launcher"] = "Instant",
        ["JobLifecycle__StartTimeout"] = "00:00:10",
        ["JobLifecycle__ReconcileTimeout"] = "00:00:03",
        ["JobLifecycle__SubmissionRecoveryDelay"] = "00:00:03",
        ["Reconciliation__StartupDelay"] = "00:00:01",
        ["Reconciliation__Interval"] = "00:00:02",
        ["Admission__MaxRunning"] = "400",
        ["Admission__MaxRunningPerUser"] = "400",
        ["Admission__MaxQueuedPerUser"] = "100000",
    };

    private enum Kind
    {
        /// <summary><c>true</c>: succeeds at once.</summary>
        Quick,

        /// <summary>Held running for two seconds, then succeeds.</summary>
        Held,

        /// <summary>Held for 30 s with a 1 s timeout: times out.</summary>
        Overstaying,

        /// <summary>Held for 30 s and cancelled right after its submission.</summary>
        Cancelled,
    }

    [Test]
    public async Task Should_end_every_job_exactly_once_when_the_all_in_one_host_is_killed()
    {
        await using var platform = await RunningPlatform.StartAsync(Settings);

        await FlowAsync(platform, faults: 3, async _ =>
        {
            await platform.KillAsync();
            await platform.RestartAsync();
        });
    }

    [Test]
    public async Task Should_end_every_job_exactly_once_when_each_service_of_the_split_is_killed_and_the_broker_restarts()
    {
        await using var platform = await RunningPlatform.StartSplitAsync(Settings);

        await FlowAsync(platform, faults: 4, async fault =>
        {
            switch (fault % 4)
            {
                case 0:
                    await platform.KillWorkersAsync();
                    await platform.StartWorkersAsync();
                    break;
                case 1:
                    await platform.KillAsync();
                    await platform.RestartAsync();
                    break;
                case 2:
                    await TestRabbitMq.RestartAsync();
                    break;
                default:
                    await platform.KillWorkersAsync();
                    await platform.KillAsync();
                    await platform.StartWorkersAsync();
                    await platform.RestartAsync();
                    break;
            }
        });
    }

    [Test]
    public async Task Should_end_every_job_exactly_once_when_postgresql_crashes_and_restarts()
    {
        await using var cluster = await PrivatePostgres.StartAsync("eventplatform");
        await using var platform = await RunningPlatform.StartAsync(Settings, cluster.ConnectionString("eventplatform"));

        await FlowAsync(platform, faults: 2, _ => cluster.RestartAsync());
    }

    private static async Task FlowAsync(RunningPlatform platform, int faults, Func<int, Task> strike)
    {
        var seed = Environment.TickCount;
        TestContext.Out.WriteLine($"{Jobs} jobs, {faults} faults, seed {seed}");
        var random = new Random(seed);
        var accepted = new Dictionary<Guid, Kind>();
        var next = -1;
        var submitting = Enumerable.Range(0, Clients).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < Jobs)
            {
                var kind = (Kind)(index % 20 switch { < 14 => 0, < 17 => 1, < 19 => 2, _ => 3 });
                var jobId = await SubmitAsync(platform, index, kind);
                if (kind == Kind.Cancelled)
                {
                    await CancelAsync(platform, jobId);
                }

                lock (accepted)
                {
                    accepted[jobId] = kind;
                }
            }
        }).ToList();
        var faulting = Task.Run(async () =>
        {
            for (var fault = 0; fault < faults; fault++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(500, 3_000)));
                await strike(fault);
            }
        });
        await Task.WhenAll([.. submitting, faulting]);

        var ends = await EveryJobEndedAsync(platform, accepted);
        await AssertEachJobEndedOnceAsync(platform, accepted, ends);
    }

    /// <summary>Waits for every accepted job to end; if some never do, fails naming them with their streams.</summary>
    private static async Task<Ends> EveryJobEndedAsync(RunningPlatform platform, Dictionary<Guid, Kind> accepted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            var ends = await EndsAsync(platform.ConnectionString);
            var open = accepted.Keys.Where(id => !ends.Terminal.ContainsKey(id)).ToList();
            if (open.Count == 0)
            {
                return ends;
            }

            if (DateTime.UtcNow > deadline)
            {
                var stories = new List<string>();
                foreach (var jobId in open.Take(5))
                {
                    stories.Add($"{jobId} ({accepted[jobId]}): {await StoryAsync(platform.ConnectionString, jobId)}");
                }

                Assert.Fail($"{open.Count} of {accepted.Count} accepted jobs never ended; the first:\n{string.Join('\n', stories)}");
            }

            await Task.Delay(500);
        }
    }

    private static async Task<string> StoryAsync(string connectionString, Guid jobId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select string_agg(type || coalesce(' ' || (data->>'Attempt'), '') || coalesce(' \"' || (data->>'Reason') || '\"', ''), ', ' order by version) from {Schema}.mt_events where stream_id = @id"
            + $" union all select (data->>'CurrentState') || ' attempt ' || (data->>'Attempt') || ' asked ' || (data->>'AskedLauncher') from {Schema}.mt_doc_jobstate where id = @id",
            connection);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync();
        var parts = new List<string>();
        while (await reader.ReadAsync())
        {
            parts.Add(reader.IsDBNull(0) ? "-" : reader.GetString(0));
        }

        return string.Join(" | saga: ", parts);
    }

    private static async Task AssertEachJobEndedOnceAsync(RunningPlatform platform, Dictionary<Guid, Kind> accepted, Ends ends)
    {
        Assert.That(accepted, Has.Count.EqualTo(Jobs), "every submission was accepted in the end (retried with its Idempotency-Key)");
        Assert.That(ends.Streams, Is.EquivalentTo(accepted.Keys), "no job lost, none made up");
        var states = await StatesAsync(platform.ConnectionString);
        var stories = new Dictionary<Guid, string>();
        foreach (var (jobId, kind) in accepted.Where(job => states[job.Key] != Expected(job.Value)))
        {
            stories[jobId] = await StoryAsync(platform.ConnectionString, jobId);
        }

        Assert.Multiple(() =>
        {
            foreach (var (jobId, kind) in accepted)
            {
                Assert.That(ends.Terminal[jobId], Is.EqualTo(1), $"job {jobId} ({kind}) ends once");
                Assert.That(states[jobId], Is.EqualTo(Expected(kind)), $"job {jobId} ({kind}): {stories.GetValueOrDefault(jobId)}");
            }

            Assert.That(ends.AttemptsStartedTwice, Is.Empty, "no attempt launched or started twice");
        });

        using var admin = platform.ClientFor(RunningPlatform.AdminKey);
        using var audit = await admin.PostAsync(new Uri("/admin/audit/verify", UriKind.Relative), content: null);
        var report = await audit.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(audit.StatusCode, Is.EqualTo(HttpStatusCode.OK), report.ToString());
        Assert.That(report.GetProperty("mismatches").GetArrayLength(), Is.Zero, report.ToString());
    }

    private static string Expected(Kind kind) => kind switch
    {
        Kind.Overstaying => "TimedOut",
        Kind.Cancelled => "Cancelled",
        _ => "Succeeded",
    };

    private static object Body(Kind kind) => kind switch
    {
        Kind.Quick => new { command = new[] { "true" }, maxAttempts = 10 },
        Kind.Held => new { command = new[] { "sleep", "2" }, maxAttempts = 10 },
        Kind.Overstaying => new { command = new[] { "sleep", "30" }, timeoutSeconds = 1, maxAttempts = 10 },
        _ => new { command = new[] { "sleep", "30" }, maxAttempts = 10 },
    };

    /// <summary>Until the API answers 202: a host that is down or restarting refuses or drops the call; the key makes a retry the same job.</summary>
    private static async Task<Guid> SubmitAsync(RunningPlatform platform, int index, Kind kind)
    {
        var request = () =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, new Uri("/jobs", UriKind.Relative)) { Content = JsonContent.Create(Body(kind)) };
            message.Headers.Add("Idempotency-Key", $"fault-{index}");
            return message;
        };
        var response = await UntilAcceptedAsync(() => platform.Http.SendAsync(request()));
        using (response)
        {
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        }
    }

    private static async Task CancelAsync(RunningPlatform platform, Guid jobId)
    {
        using var response = await UntilAcceptedAsync(() => platform.Http.PostAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), content: null));
    }

    private static async Task<HttpResponseMessage> UntilAcceptedAsync(Func<Task<HttpResponseMessage>> call)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                var response = await call();
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    return response;
                }

                var status = response.StatusCode;
                var body = await response.Content.ReadAsStringAsync();
                response.Dispose();
                Assert.That((int)status, Is.GreaterThanOrEqualTo(500), $"only a fault may refuse the call: {status} {body}");
            }
            catch (HttpRequestException)
            {
                // The host is down or restarting.
            }

            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the platform did not accept the call again within two minutes");
            await Task.Delay(200);
        }
    }

    private sealed record Ends(IReadOnlyList<Guid> Streams, IReadOnlyDictionary<Guid, int> Terminal, IReadOnlyList<string> AttemptsStartedTwice);

    /// <summary>Read from the event store itself: every job's stream, its terminal events, and any attempt launched or started twice.</summary>
    private static async Task<Ends> EndsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var streams = new List<Guid>();
        // Job streams start with JobSubmitted; Marten also keeps tombstone streams for appends a fault cut off.
        await using (var command = new NpgsqlCommand($"select stream_id from {Schema}.mt_events where type = 'job_submitted'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                streams.Add(reader.GetGuid(0));
            }
        }

        var terminal = new Dictionary<Guid, int>();
        await using (var command = new NpgsqlCommand(
            $"select stream_id, count(*)::int from {Schema}.mt_events where type in ('job_succeeded', 'job_failed', 'job_timed_out', 'job_cancelled') group by stream_id",
            connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                terminal[reader.GetGuid(0)] = reader.GetInt32(1);
            }
        }

        var twice = new List<string>();
        await using (var command = new NpgsqlCommand(
            $"select stream_id, type, data->>'Attempt' from {Schema}.mt_events where type in ('job_launch_requested', 'job_started') "
            + "group by stream_id, type, data->>'Attempt' having count(*) > 1",
            connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                twice.Add($"{reader.GetGuid(0)} {reader.GetString(1)} attempt {reader.GetString(2)}");
            }
        }

        return new Ends(streams, terminal, twice);
    }

    private static async Task<Dictionary<Guid, string>> StatesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select id, data->>'State' from {Schema}.mt_doc_jobstatusview", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var states = new Dictionary<Guid, string>();
        while (await reader.ReadAsync())
        {
            states[reader.GetGuid(0)] = reader.GetString(1);
        }

        return states;
    }
}

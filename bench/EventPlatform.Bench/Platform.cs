using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;

namespace EventPlatform.Bench;

/// <summary>The running host as the bench sees it: its HTTP API, its database and its process.</summary>
internal sealed class Platform(Settings settings) : IDisposable
{
    private static readonly string[] Instant = ["true"];

    private readonly HttpClient http = CreateClient(settings, TimeSpan.FromSeconds(60));

    /// <summary>For the admin calls that read the whole store.</summary>
    private readonly HttpClient admin = CreateClient(settings, TimeSpan.FromMinutes(30));
    private readonly NpgsqlDataSource database = NpgsqlDataSource.Create(settings.ConnectionString(settings.AppDatabase));

    /// <summary>Submits <c>true</c>, or <paramref name="command"/> (the instant launcher holds a <c>sleep N</c> running N seconds).</summary>
    public async Task<Guid> SubmitAsync(string[]? command = null)
    {
        using var response = await http.PostAsJsonAsync(
            new Uri("/jobs", UriKind.Relative),
            new { command = command ?? Instant, timeoutSeconds = 7200, maxAttempts = 1 }).ConfigureAwait(false);
        if ((int)response.StatusCode != 202)
        {
            throw new InvalidOperationException($"POST /jobs answered {(int)response.StatusCode}");
        }

        var accepted = await response.Content.ReadFromJsonAsync<Accepted>().ConfigureAwait(false);
        return accepted!.JobId;
    }

    public async Task<JobStatus> StatusAsync(Guid jobId)
    {
        using var response = await http.GetAsync(new Uri($"/jobs/{jobId}", UriKind.Relative)).ConfigureAwait(false);
        if ((int)response.StatusCode != 200)
        {
            throw new InvalidOperationException($"GET /jobs/{{id}} answered {(int)response.StatusCode}");
        }

        return (await response.Content.ReadFromJsonAsync<JobStatus>().ConfigureAwait(false))!;
    }

    /// <summary>Rebuilds one projection from the streams through the admin endpoint; the host says how many events it read and how long it took.</summary>
    public async Task<RebuildRun> RebuildAsync(string projection)
    {
        using var response = await admin.PostAsync(new Uri($"/admin/projections/{projection}/rebuild", UriKind.Relative), content: null).ConfigureAwait(false);
        if ((int)response.StatusCode != 200)
        {
            throw new InvalidOperationException($"POST /admin/projections/{projection}/rebuild answered {(int)response.StatusCode}");
        }

        // The endpoint answers a list, one entry per projection rebuilt, even for one.
        var rebuild = (await response.Content.ReadFromJsonAsync<Rebuilt[]>().ConfigureAwait(false))!.Single();
        return new RebuildRun(rebuild.Projection, rebuild.Events, rebuild.ElapsedMs / 1000.0, rebuild.Events / Math.Max(0.001, rebuild.ElapsedMs / 1000.0));
    }

    /// <summary>Replays every stream and checks its status row (ep audit verify); returns the jobs checked and the mismatches.</summary>
    public async Task<(long Checked, int Mismatches)> VerifyAsync()
    {
        using var response = await admin.PostAsync(new Uri("/admin/audit/verify", UriKind.Relative), content: null).ConfigureAwait(false);
        if ((int)response.StatusCode != 200)
        {
            throw new InvalidOperationException($"POST /admin/audit/verify answered {(int)response.StatusCode}");
        }

        var verified = (await response.Content.ReadFromJsonAsync<Verified>().ConfigureAwait(false))!;
        return (verified.Checked, verified.Mismatches.Count);
    }

    public async Task<Guid> CancelAsync(Guid jobId)
    {
        using var response = await http.PostAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), content: null).ConfigureAwait(false);
        if ((int)response.StatusCode is not (202 or 200))
        {
            throw new InvalidOperationException($"POST /jobs/{{id}}/cancel answered {(int)response.StatusCode}");
        }

        return jobId;
    }

    /// <summary>Jobs in the Running state, from the status table.</summary>
    public async Task<long> RunningAsync()
    {
        await using var command = database.CreateCommand("select count(*) from eventplatform.mt_doc_jobstatusview where data->>'State' = 'Running'");
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    /// <summary>
    /// How far the slowest async projection has read, and the last event's sequence number: the
    /// async daemon has caught up when the first reaches the second.
    /// </summary>
    public async Task<(long Slowest, long Last)> ProjectionProgressAsync()
    {
        await using var command = database.CreateCommand(
            "select coalesce((select min(last_seq_id) from eventplatform.mt_event_progression where name not like 'HighWater%'), 0), " +
            "coalesce((select max(seq_id) from eventplatform.mt_events), 0)");
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        await reader.ReadAsync().ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Jobs not yet ended, straight from the status table (so polling costs the host nothing).</summary>
    public async Task<long> UnfinishedAsync()
    {
        await using var command = database.CreateCommand(
            "select count(*) from eventplatform.mt_doc_jobstatusview where data->>'State' not in ('Succeeded', 'Failed', 'TimedOut', 'Cancelled')");
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    public async Task<string?> StateAsync(Guid jobId)
    {
        await using var command = database.CreateCommand("select data->>'State' from eventplatform.mt_doc_jobstatusview where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        return (string?)await command.ExecuteScalarAsync().ConfigureAwait(false);
    }

    public async Task<long> JobCountAsync()
    {
        await using var command = database.CreateCommand("select count(*) from eventplatform.mt_doc_jobstatusview");
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    /// <summary>Waits until no job is unfinished; returns how many polls it made (each one commit to subtract).</summary>
    public async Task<int> WaitUntilDrainedAsync(TimeSpan cap)
    {
        var polls = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < cap)
        {
            polls++;
            if (await UnfinishedAsync().ConfigureAwait(false) == 0)
            {
                return polls;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new TimeoutException($"Jobs still unfinished after {cap}.");
    }

    /// <summary>
    /// Per job, when its stream began (JobSubmitted appended) and when JobSucceeded was appended:
    /// the platform's own commit times, unlike <c>finishedAt</c>, which is the task's stop time.
    /// </summary>
    public async Task<Dictionary<Guid, (DateTimeOffset Submitted, DateTimeOffset? Succeeded)>> EventTimesAsync(IReadOnlyList<Guid> jobIds)
    {
        await using var command = database.CreateCommand(
            "select stream_id, min(timestamp), max(timestamp) filter (where type = 'job_succeeded') " +
            "from eventplatform.mt_events where stream_id = any($1) group by stream_id");
        command.Parameters.Add(new NpgsqlParameter { Value = jobIds.ToArray() });
        var times = new Dictionary<Guid, (DateTimeOffset, DateTimeOffset?)>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            times[reader.GetGuid(0)] = (
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
        }

        return times;
    }

    public long HostRssKilobytes() => ProcessMemory.RssKilobytes(settings.HostPid);

    public void Dispose()
    {
        http.Dispose();
        admin.Dispose();
        database.Dispose();
    }

    private static HttpClient CreateClient(Settings settings, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        var client = new HttpClient(handler) { BaseAddress = settings.Url, Timeout = timeout };
        client.DefaultRequestHeaders.Add("X-Api-Key", settings.ApiKey);
        return client;
    }

    private sealed record Accepted([property: JsonPropertyName("jobId")] Guid JobId);

    private sealed record Rebuilt(
        [property: JsonPropertyName("projection")] string Projection,
        [property: JsonPropertyName("events")] long Events,
        [property: JsonPropertyName("elapsedMs")] long ElapsedMs);

    private sealed record Verified(
        [property: JsonPropertyName("checked")] long Checked,
        [property: JsonPropertyName("mismatches")] IReadOnlyList<JsonElement> Mismatches);
}

internal sealed record JobStatus(
    [property: JsonPropertyName("jobId")] Guid JobId,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("startedAt")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("finishedAt")] DateTimeOffset? FinishedAt);

internal static class ProcessMemory
{
    /// <summary>VmRSS of a process from /proc, in kB; 0 when it cannot be read.</summary>
    public static long RssKilobytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

internal static class Commits
{
    /// <summary>
    /// Transactions that wrote anything, cluster-wide, so far: the ones whose commit waits for the
    /// WAL flush, which is what pgbench's ceiling measures. Read-only transactions (every plain
    /// SELECT is one) count in xact_commit but cost no flush. Asking assigns one id itself.
    /// </summary>
    public static async Task<long> WritesAsync(Settings settings)
    {
        await using var connection = new NpgsqlConnection(settings.ConnectionString("postgres"));
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand("select pg_current_xact_id()::text::bigint", connection);
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    /// <summary>Committed transactions of one database so far (the statistics collector lags by up to about a second).</summary>
    public static async Task<long> CountAsync(Settings settings, string database)
    {
        await using var connection = new NpgsqlConnection(settings.ConnectionString("postgres"));
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand("select xact_commit from pg_stat_database where datname = @name", connection);
        command.Parameters.AddWithValue("name", database);
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }
}

/// <summary>What the host's pollers commit per second with no job in the platform.</summary>
internal sealed record IdleRates(double CommitsPerSecond, double WritesPerSecond)
{
    public static readonly IdleRates None = new(0, 0);
}

/// <summary>Transactions counted over a span: one database's commits (all of them) and the cluster's writing ones.</summary>
internal sealed record CommitCount(long Commits, double CommitsBeyondIdle, double WritesBeyondIdle, TimeSpan Elapsed);

/// <summary>
/// Counts transactions from its start to its stop; what the host's pollers would have committed
/// idle over as long is subtracted, and so is the id the write counter takes when asked at the stop.
/// </summary>
internal sealed class CommitSpan
{
    private readonly Settings settings;
    private readonly string database;
    private readonly long commitsBefore;
    private readonly long writesBefore;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    private CommitSpan(Settings settings, string database, long commitsBefore, long writesBefore)
    {
        this.settings = settings;
        this.database = database;
        this.commitsBefore = commitsBefore;
        this.writesBefore = writesBefore;
    }

    public static async Task<CommitSpan> StartAsync(Settings settings, string database) =>
        new(settings, database,
            await Commits.CountAsync(settings, database).ConfigureAwait(false),
            await Commits.WritesAsync(settings).ConfigureAwait(false));

    public async Task<CommitCount> StopAsync(IdleRates idle)
    {
        var commits = await Commits.CountAsync(settings, database).ConfigureAwait(false) - commitsBefore;
        var writes = await Commits.WritesAsync(settings).ConfigureAwait(false) - writesBefore - 1;
        clock.Stop();
        var seconds = clock.Elapsed.TotalSeconds;
        return new CommitCount(commits, commits - (idle.CommitsPerSecond * seconds), writes - (idle.WritesPerSecond * seconds), clock.Elapsed);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.EndToEndTests.Fuzzing;
using EventPlatform.Testing;
using Npgsql;

namespace EventPlatform.EndToEndTests;

/// <summary>
/// An API fuzzer driven by the API description, against the built host as a process: generated
/// requests for every operation (with no key, an unknown or a user's key, hostile route, query,
/// header and body values, oversized and malformed bodies, invalid UTF-8 and NUL bytes). No answer
/// is a 5xx; every error is a ProblemDetails with the request id, except the framing errors the HTTP
/// server refuses before a request exists; every answer of an operation is one its description
/// documents; a refused request stores nothing; and the host's memory stays bounded.
/// EP_FUZZ_ROUNDS (default 5) multiplies the random requests for a longer run.
/// </summary>
[TestFixture]
public sealed class When_a_hostile_caller_fuzzes_the_api : PlatformFixture
{
    private const int Seed = 12;
    private const int Parallel = 4;

    /// <summary>
    /// Bodies are cut at 1 MiB and pages at about 1 MiB, so a request in flight holds a few MiB; with
    /// four at a time and the GC's headroom, the host may grow by this much while the fuzzer runs, and
    /// never to the gigabytes that unbounded bodies and pages reached (issue 12: 250 MB to 1.8 GB).
    /// </summary>
    private const long MaxGrowthMiB = 256;

    [Test]
    public async Task Should_refuse_every_hostile_request_cleanly_store_nothing_and_keep_its_memory()
    {
        var server = Platform.BaseAddress;
        using var anonymous = Platform.ClientFor(null);
        var contract = new OpenApiContract(await anonymous.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative)));
        var cases = new FuzzCases(contract, await KnownValuesAsync(), new Dictionary<string, string> { ["user"] = RunningPlatform.AliceKey, ["admin"] = RunningPlatform.AdminKey });
        var memory = HostMemory.Of(server);

        var accepted = new ConcurrentDictionary<string, byte>();
        var problems = new ConcurrentQueue<string>();
        var succeeded = new ConcurrentDictionary<string, byte>();
        await RunAsync(cases.Valid(), server, contract, accepted, problems, succeeded);
        var (before, _) = memory.Read();
        var (streamsBefore, rowsBefore) = await StoredAsync();
        var acceptedBefore = accepted.Count;

        var rounds = int.TryParse(Environment.GetEnvironmentVariable("EP_FUZZ_ROUNDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : 5;
        var hostile = cases.Generate(rounds, Seed).ToList();
        var clock = Stopwatch.StartNew();
        var framing = await RunAsync(hostile, server, contract, accepted, problems, succeeded);
        clock.Stop();

        var (after, peak) = memory.Read();
        var (streamsAfter, rowsAfter) = await StoredAsync();
        var stored = accepted.Count - acceptedBefore;
        TestContext.Out.WriteLine(
            $"fuzzer: {hostile.Count} requests over {contract.Operations.Count} operations in {clock.Elapsed.TotalSeconds:0.0} s "
            + $"({framing} refused by the HTTP server's framing); host {memory.Pid} RSS {before} MiB before, {after} MiB after, peak {peak} MiB; "
            + $"{stored} jobs accepted, {streamsAfter - streamsBefore} streams and {rowsAfter - rowsBefore} status rows added");

        Assert.That(problems, Is.Empty);
        Assert.That(succeeded.Keys, Is.EquivalentTo(contract.Operations.Select(o => o.Id)), "every operation answered a valid request with success");
        Assert.That((streamsAfter - streamsBefore, rowsAfter - rowsBefore), Is.EqualTo((stored, stored)), "a refused request stored nothing");
        Assert.That(after - before, Is.LessThanOrEqualTo(MaxGrowthMiB), $"RSS grew from {before} MiB to {after} MiB");
    }

    /// <summary>Sends each case, four at a time, and notes every answer that breaks a rule; returns how many the HTTP server refused itself.</summary>
    private static async Task<int> RunAsync(
        IEnumerable<FuzzCase> cases,
        Uri server,
        OpenApiContract contract,
        ConcurrentDictionary<string, byte> accepted,
        ConcurrentQueue<string> problems,
        ConcurrentDictionary<string, byte> succeeded)
    {
        var framing = 0;
        await System.Threading.Tasks.Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Parallel }, async (each, cancellationToken) =>
        {
            var request = RawHttp.Head(each.Method, each.Target, server, each.Headers, each.Body?.Length);
            var response = await RawHttp.SendAsync(server, request, each.Body, cancellationToken);
            if (response is null)
            {
                problems.Enqueue($"{each}: no answer");
                return;
            }

            foreach (var problem in Judge(each, response, contract))
            {
                problems.Enqueue($"{each}: {problem}");
            }

            if (each.KestrelRefuses)
            {
                Interlocked.Increment(ref framing);
            }

            var operation = Uri.UnescapeDataString(each.Path).Contains("..", StringComparison.Ordinal) ? null : contract.Find(each.Method, each.Path);
            if (response.Status is >= 200 and < 300 && operation is not null)
            {
                succeeded.TryAdd(operation.Id, 0);
                if (operation.Id is "SubmitJob" or "RerunJob")
                {
                    accepted.TryAdd(JsonDocument.Parse(response.Body).RootElement.GetProperty("jobId").GetString()!, 0);
                }
            }
        });
        return framing;
    }

    private static IEnumerable<string> Judge(FuzzCase each, RawResponse response, OpenApiContract contract)
    {
        if (response.Status >= 500)
        {
            yield return $"{response.Status} {response.Text}";
            yield break;
        }

        if (each.KestrelRefuses)
        {
            if (response.Status is not (400 or 414 or 431))
            {
                yield return $"{response.Status} where the server's framing refusal was expected";
            }

            yield break;
        }

        if (response.Status >= 400)
        {
            var requestId = response.Headers.GetValueOrDefault("x-request-id");
            if (response.MediaType != "application/problem+json")
            {
                yield return $"{response.Status} as {response.MediaType ?? "no body"}: '{response.Text}'";
                yield break;
            }

            var problem = JsonDocument.Parse(response.Body).RootElement;
            if (requestId is null || !problem.TryGetProperty("requestId", out var id) || id.GetString() != requestId)
            {
                yield return $"{response.Status} without the request id {requestId}: {response.Text}";
            }
        }

        // The server resolves dot segments before routing: such a request is for another path.
        if (!Uri.UnescapeDataString(each.Path).Contains("..", StringComparison.Ordinal) && contract.Find(each.Method, each.Path) is { } operation)
        {
            foreach (var violation in contract.Violations(operation, response.Status, response.MediaType, response.Text))
            {
                yield return violation;
            }
        }
    }

    /// <summary>A job of alice's that has ended, a dead letter about it, an artifact of it, and a job that runs until cancelled, for the route values.</summary>
    private async Task<Dictionary<string, string>> KnownValuesAsync()
    {
        var jobId = await SubmitAsync(new { command = new[] { "sh", "-c", "echo fuzz > \"$EP_ARTIFACTS_DIR/out.txt\"" } });
        await FinalStateAsync(jobId);
        var letterId = Guid.CreateVersion7();
        await using (var connection = new NpgsqlConnection(Platform.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "insert into eventplatform.ep_dead_letters (id, message_type, body, consumer, exception, failed_at) "
                + "values (@id, 'EventPlatform.Contracts.Jobs.CancelJob', @body::jsonb, 'fuzz', 'fuzz', now())",
                connection);
            insert.Parameters.AddWithValue("id", letterId);
            insert.Parameters.AddWithValue("body", JsonSerializer.Serialize(new { jobId, userId = "alice", reason = "fuzz" }));
            await insert.ExecuteNonQueryAsync();
        }

        var artifacts = await Platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/artifacts", UriKind.Relative));
        return new Dictionary<string, string>
        {
            ["cancellable"] = (await SubmitAsync(new { command = new[] { "sleep", "600" } })).ToString(),
            ["jobId"] = jobId.ToString(),
            ["id"] = letterId.ToString(),
            ["name"] = "JobStatus",
            ["user"] = "alice",
            ["token"] = artifacts[0].GetProperty("url").GetString()!.Split('/')[^1],
        };
    }

    private async Task<(long Streams, long StatusRows)> StoredAsync()
    {
        await using var connection = new NpgsqlConnection(Platform.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            // Jobs' streams, by their first event: Marten keeps a tombstone stream of its own for appends that
            // lost a race (two runs again of one job at once), which holds no job.
            "select (select count(*) from eventplatform.mt_events where version = 1 and type = 'job_submitted'), "
            + "(select count(*) from eventplatform.mt_doc_jobstatusview)", connection);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}

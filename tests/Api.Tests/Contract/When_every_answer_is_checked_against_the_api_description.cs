using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EventPlatform.Api.Tests.Hosting;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Testing;

namespace EventPlatform.Api.Tests.Contract;

/// <summary>
/// Every operation in /openapi/v1.json is called with valid and invalid requests (no key, an unknown
/// key, a user's key on an admin operation, unknown and hostile route values, hostile query values,
/// and for a body: malformed, not an object, sent without or with another media type, with NUL and
/// with half a surrogate pair in every string), and every answer is judged by the description: its
/// status is documented for the operation, its media type too, and its body matches the documented
/// schema; every error is a ProblemDetails with the request id; nothing answers 5xx.
/// </summary>
[TestFixture]
public sealed class When_every_answer_is_checked_against_the_api_description : ApiHost
{
    private static readonly string ArtifactsRoot = Directory.CreateTempSubdirectory("ep-contract-").FullName;

    private OpenApiContract contract = null!;
    private Dictionary<string, string> known = null!;
    private Guid waitingJob;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Artifacts:LocalRoot"] = ArtifactsRoot };

    [OneTimeSetUp]
    public async Task ReadTheDescriptionAndMakeSomethingToRead()
    {
        using var anonymous = ClientFor(apiKey: null);
        contract = new OpenApiContract(await anonymous.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative)));

        using var bob = ClientFor(BobKey);
        waitingJob = await SubmitAsync(bob, new { command = new[] { "true" } });
        using var alice = ClientFor(AliceKey);
        var jobId = await SubmitAsync(alice, new { command = new[] { "true" } });
        await StateAsync(alice, jobId, "Succeeded");
        var attempt = Directory.CreateDirectory(Path.Combine(ArtifactsRoot, "jobs", jobId.ToString(), "attempt-1"));
        await File.WriteAllTextAsync(Path.Combine(attempt.FullName, "result.json"), """{"ok": true}""");
        var artifacts = await alice.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/artifacts", UriKind.Relative));
        var token = artifacts[0].GetProperty("url").GetString()!.Split('/')[^1];
        known = new Dictionary<string, string>
        {
            ["jobId"] = jobId.ToString(),
            ["id"] = (await DeadLetterAsync(new CancelJob(jobId, "alice", "contract"))).ToString(),
            ["name"] = "JobStatus",
            ["user"] = "alice",
            ["token"] = token,
        };
    }

    [OneTimeTearDown]
    public void RemoveTheArtifacts() => Directory.Delete(ArtifactsRoot, recursive: true);

    [Test]
    public async Task Should_give_only_answers_the_description_documents()
    {
        var violations = new List<string>();
        var answered = new Dictionary<string, HashSet<int>>();
        foreach (var operation in contract.Operations)
        {
            foreach (var (why, key, request) in CasesFor(operation))
            {
                using var client = ClientFor(key);
                using var message = request();
                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);

                // An event stream never ends: it is judged by its status and media type.
                var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? string.Empty : await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                answered.TryAdd(operation.Id, []);
                answered[operation.Id].Add(status);
                var where = $"{operation.Id} ({why}): {message.Method} {message.RequestUri}";
                violations.AddRange(contract.Violations(operation, status, response.Content.Headers.ContentType?.MediaType, body).Select(v => $"{where}: {v}"));
                if (status >= 500)
                {
                    violations.Add($"{where}: {status} {body}");
                }
                else if (status >= 400)
                {
                    violations.AddRange(ProblemViolations(response, body).Select(v => $"{where}: {v}"));
                }
            }
        }

        Assert.That(violations, Is.Empty);
        Assert.That(answered.Keys, Is.EquivalentTo(contract.Operations.Select(o => o.Id)));
        Assert.That(answered.Where(a => !a.Value.Any(s => s is >= 200 and < 300)).Select(a => a.Key), Is.Empty, "an operation never answered with success");
        Assert.That(answered.Where(a => !a.Value.Any(s => s >= 400) && a.Key != "GetHealth").Select(a => a.Key), Is.Empty, "an operation never refused");
        Assert.That(answered.Sum(a => a.Value.Count), Is.GreaterThan(3 * contract.Operations.Count));
    }

    /// <summary>The request's reason, the key it is sent with, and the request itself.</summary>
    private IEnumerable<(string Why, string? Key, Func<HttpRequestMessage> Request)> CasesFor(ContractOperation operation)
    {
        var admin = operation.Path.StartsWith("/admin", StringComparison.Ordinal) || operation.Id == "ListUserStats";
        var key = admin ? AdminKey : AliceKey;
        var path = Fill(operation.Path, name => known[name]);
        var body = operation.ExampleBody ?? (operation.HasBody ? """{"reason": "contract"}""" : null);
        yield return ("valid", key, () => Request(operation.Method, path, body));
        if (operation.Id == "CancelJob")
        {
            yield return ("a waiting job", BobKey, () => Request(operation.Method, $"/jobs/{waitingJob}/cancel", body));
        }

        if (operation.NeedsKey)
        {
            yield return ("no key", null, () => Request(operation.Method, path, body));
            yield return ("unknown key", "not-a-key", () => Request(operation.Method, path, body));
        }

        if (admin)
        {
            yield return ("a user's key", AliceKey, () => Request(operation.Method, path, body));
        }

        foreach (var name in operation.Parameters("path"))
        {
            foreach (var value in new[] { "unknown", "%ED%A0%80", new string('a', 300), Guid.CreateVersion7().ToString() })
            {
                var hostile = Fill(operation.Path, n => n == name ? value : known[n]);
                yield return ($"path {name}={value[..Math.Min(value.Length, 12)]}", key, () => Request(operation.Method, hostile, body));
            }
        }

        foreach (var name in operation.Parameters("query"))
        {
            foreach (var value in new[] { "%00", new string('9', 300), "-1", "%ED%A0%80" })
            {
                yield return ($"query {name}", key, () => Request(operation.Method, $"{path}?{name}={value}", body));
            }
        }

        if (!operation.HasBody)
        {
            yield break;
        }

        foreach (var bad in new[] { "{", "[]", "{\"command\": \"\\u0000\"}", Strings(body!, "\\u0000"), Strings(body!, "\\ud800") })
        {
            yield return ($"body {bad[..Math.Min(bad.Length, 24)]}", key, () => Request(operation.Method, path, bad));
        }

        yield return ("no media type", key, () => Request(operation.Method, path, body, mediaType: null));
        yield return ("text/plain", key, () => Request(operation.Method, path, body, mediaType: "text/plain"));
        if (operation.Id == "SubmitJob")
        {
            yield return ("hostile Idempotency-Key", key, () => WithHeader(Request(operation.Method, path, body), "Idempotency-Key", "key\u0001"));
        }
    }

    private static HttpRequestMessage Request(string method, string path, string? body, string? mediaType = "application/json")
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (mediaType is not null)
            {
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
            }
        }

        return request;
    }

    private static HttpRequestMessage WithHeader(HttpRequestMessage request, string name, string value)
    {
        request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static string Fill(string template, Func<string, string> value) =>
        string.Join('/', template.Split('/').Select(segment => segment.StartsWith('{') ? value(segment.Trim('{', '}')) : segment));

    /// <summary>The body with every string value replaced by <paramref name="escaped"/> (JSON text).</summary>
    private static string Strings(string body, string escaped)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(body)!;
        Replace(node, escaped);
        return node.ToJsonString().Replace("\"__S__\"", $"\"{escaped}\"", StringComparison.Ordinal);
    }

    private static void Replace(System.Text.Json.Nodes.JsonNode node, string escaped)
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (child is System.Text.Json.Nodes.JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    {
                        obj[name] = "__S__";
                    }
                    else if (child is not null)
                    {
                        Replace(child, escaped);
                    }
                }

                break;
            case System.Text.Json.Nodes.JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is System.Text.Json.Nodes.JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    {
                        array[i] = "__S__";
                    }
                    else if (array[i] is { } child)
                    {
                        Replace(child, escaped);
                    }
                }

                break;
        }
    }

    private static IEnumerable<string> ProblemViolations(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            yield return $"error {(int)response.StatusCode} is not application/problem+json: '{body}'";
            yield break;
        }

        var problem = JsonDocument.Parse(body).RootElement;
        var requestId = response.Headers.TryGetValues("X-Request-Id", out var ids) ? ids.Single() : null;
        if (!problem.TryGetProperty("requestId", out var id) || id.GetString() != requestId || requestId is null)
        {
            yield return $"error {(int)response.StatusCode} has no requestId matching X-Request-Id: {body}";
        }
    }
}

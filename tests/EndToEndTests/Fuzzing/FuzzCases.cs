using System.Text;
using EventPlatform.Testing;

namespace EventPlatform.EndToEndTests.Fuzzing;

/// <summary>
/// Requests for every operation of the API description: the valid one, then each thing a hostile
/// caller varies (the key, each route value, each declared query value, the body and its media
/// type, the headers), then random mixtures of them from a fixed seed, so a failure repeats.
/// </summary>
internal sealed class FuzzCases(OpenApiContract contract, IReadOnlyDictionary<string, string> known, IReadOnlyDictionary<string, string> keys)
{
    private const string Json = "application/json";

    private static readonly string[] PathValues =
    [
        "unknown", "%00", "%ED%A0%80", "%FF%FE", "%C0%AF", new('a', 2_000), "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%27%3B%20drop%20table%20x%3B--",
        "%F0%9F%98%80", "%20", "%E2%80%A8", Guid.Empty.ToString(), Guid.NewGuid().ToString(),
    ];

    private static readonly string[] QueryValues = ["%00", "%ED%A0%80", "%FF", new('9', 5_000), "-1", "1e309", "%5B%5D", "%E2%80%A8", "a%00b", "", "team:%00", "%3A"];

    /// <summary>Pieces of JSON string text (escapes included) that hostile strings are made of.</summary>
    private static readonly string[] StringPieces =
    [
        "\\u0000", "\\ud800", "\\udfff", "\\u2028", "\\u0085", " ", "\\t", "\u00e9", "\U0001F600", "$(id)", "' OR 1=1 --", "%", "\\\\", "\\\"", "A B", ":", "=",
    ];

    public IEnumerable<FuzzCase> Generate(int rounds, int seed)
    {
        foreach (var operation in contract.Operations)
        {
            foreach (var each in Fixed(operation))
            {
                yield return each;
            }
        }

        var random = new Random(seed);
        for (var round = 0; round < rounds; round++)
        {
            foreach (var operation in contract.Operations)
            {
                for (var i = 0; i < 12; i++)
                {
                    yield return Mixed(operation, random);
                }
            }
        }
    }

    /// <summary>A few valid requests first, so that the fuzzer is seen to reach every operation.</summary>
    public IEnumerable<FuzzCase> Valid() => contract.Operations.Select(operation => Request(
        operation,
        "valid",
        KeyFor(operation),
        Fill(operation, name => operation.Id == "CancelJob" && name == "jobId" ? known["cancellable"] : null),
        ValidBody(operation)));

    private IEnumerable<FuzzCase> Fixed(ContractOperation operation)
    {
        var key = KeyFor(operation);
        var path = Fill(operation, _ => null);
        var body = ValidBody(operation);
        yield return Request(operation, "no key", null, path, body);
        yield return Request(operation, "unknown key", [FuzzCase.Header("X-Api-Key", "not-a-key")], path, body);
        yield return Request(operation, "user key", [FuzzCase.Header("X-Api-Key", keys["user"])], path, body);
        yield return Request(operation, "huge key", [FuzzCase.Header("X-Api-Key", new string('k', 16_000))], path, body);
        yield return Request(operation, "invalid UTF-8 key", [FuzzCase.Header("X-Api-Key", [0xC3, 0x28, 0xFF, 0xFE])], path, body);
        yield return Request(operation, "NUL in key", [FuzzCase.Header("X-Api-Key", [0x61, 0x00, 0x62])], path, body) with { KestrelRefuses = true };
        yield return Request(operation, "40 KB header", [.. key, FuzzCase.Header("X-Junk", new string('j', 40_000))], path, body) with { KestrelRefuses = true };
        yield return Request(operation, "10 KB target", key, path + "?" + new string('q', 10_000), body) with { KestrelRefuses = true };
        yield return Request(operation, "hostile X-Request-Id", [.. key, FuzzCase.Header("X-Request-Id", [0xFF, 0x27, 0x3C, 0x0B])], path, body);
        yield return Request(operation, "long X-Request-Id", [.. key, FuzzCase.Header("X-Request-Id", new string('r', 4_000))], path, body);

        foreach (var name in operation.Parameters("path"))
        {
            foreach (var value in PathValues)
            {
                yield return Request(operation, $"path {name}", key, Fill(operation, n => n == name ? value : null), body) with { KestrelRefuses = NulInPath(value) };
            }
        }

        foreach (var name in operation.Parameters("query"))
        {
            foreach (var value in QueryValues)
            {
                yield return Request(operation, $"query {name}", key, $"{path}?{name}={value}", body);
            }

            yield return Request(operation, $"query {name} twice", key, $"{path}?{name}=1&{name}=2", body);
        }

        if (!operation.HasBody)
        {
            yield break;
        }

        foreach (var (why, bytes) in HostileBodies(operation))
        {
            yield return Request(operation, why, key, path, bytes);
        }

        foreach (var mediaType in new[] { "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16", "multipart/form-data; boundary=x" })
        {
            yield return Request(operation, $"as {mediaType}", key, path, body, mediaType);
        }

        yield return Request(operation, "no media type", key, path, body, mediaType: null);
        yield return Request(operation, "invalid UTF-8 media type", [.. key, FuzzCase.Header("Content-Type", [0x61, 0x70, 0xFF, 0x2F, 0x6A])], path, body, mediaType: null);
        if (operation.Id == "SubmitJob")
        {
            yield return Request(operation, "invalid UTF-8 Idempotency-Key", [.. key, FuzzCase.Header("Idempotency-Key", [0xC3, 0x28, 0xED, 0xA0, 0x80])], path, body);
            yield return Request(operation, "long Idempotency-Key", [.. key, FuzzCase.Header("Idempotency-Key", new string('i', 20_000))], path, body);
        }
    }

    private IEnumerable<(string Why, byte[] Body)> HostileBodies(ContractOperation operation)
    {
        yield return ("malformed JSON", Bytes("{\"command\": [\"true\""));
        yield return ("not an object", Bytes("[\"true\"]"));
        yield return ("empty", []);
        yield return ("invalid UTF-8 body", [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D]);
        yield return ("deep nesting", Bytes(new string('[', 10_000) + new string(']', 10_000)));
        yield return ("2 MiB body", Bytes($"{{\"command\": [\"echo\", \"{new string('x', 2 * 1024 * 1024)}\"]}}"));
        yield return ("900 KB string", Bytes($"{{\"command\": [\"echo\", \"{new string('x', 900_000)}\"], \"reason\": \"{new string('x', 900)}\"}}"));
        var env = string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"\"V{i}\": \"x\""));
        yield return ("10,000 env entries", Bytes($"{{\"command\": [\"true\"], \"env\": {{{env}}}}}"));
        yield return ("10 MB argument", Bytes($"{{\"command\": [\"echo\", \"{new string('y', 10_000_000)}\"]}}"));
        foreach (var piece in new[] { "\\u0000", "\\ud800", "\\udfff" })
        {
            yield return ($"{piece} in every string", Bytes(EveryString(ValidBody(operation)!, $"a{piece}b")));
        }

        yield return ("blank env name", Bytes("""{"command": ["true"], "env": {" ": "x", "\u2028": "y", "\u0085": "z"}}"""));
        yield return ("blank label key", Bytes("""{"command": ["true"], "labels": {" ": "x"}}"""));
        yield return ("env names the sandbox cannot set", Bytes("""{"command": ["true"], "env": {"A B": "x", "$(id)": "y"}}"""));
    }

    private FuzzCase Mixed(ContractOperation operation, Random random)
    {
        var key = random.Next(4) switch
        {
            0 => null,
            1 => [FuzzCase.Header("X-Api-Key", keys["user"])],
            _ => KeyFor(operation),
        };
        var path = Fill(operation, _ => random.Next(3) == 0 ? PathValues[random.Next(PathValues.Length)] : null);
        var refused = NulInPath(path);
        var query = string.Join('&', operation.Parameters("query").Where(_ => random.Next(3) == 0).Select(name => $"{name}={Uri.EscapeDataString(Unescaped(random))}"));
        var body = operation.HasBody ? Bytes(RandomBody(random)) : null;
        return Request(operation, "random", key, query.Length > 0 ? $"{path}?{query}" : path, body) with { KestrelRefuses = refused };
    }

    /// <summary>The server refuses a path that decodes to a NUL before routing.</summary>
    private static bool NulInPath(string path) => path.Contains("%00", StringComparison.Ordinal);

    private static string RandomBody(Random random)
    {
        var fields = new List<string>();
        foreach (var (name, make) in new (string, Func<Random, string>)[]
        {
            ("command", r => r.Next(4) == 0 ? HostileText(r) : $"[{string.Join(',', Enumerable.Range(0, r.Next(4)).Select(_ => HostileText(r)))}]"),
            ("env", r => RandomMap(r)),
            ("labels", r => RandomMap(r)),
            ("timeoutSeconds", r => new[] { "0", "-1", "1e309", "86401", "\"10\"", "3.5", "null" }[r.Next(7)]),
            ("priority", r => HostileText(r)),
            ("reason", r => HostileText(r)),
            ("limits", r => r.Next(2) == 0 ? "{\"cpu\": \"1\"}" : "[]"),
        })
        {
            if (random.Next(2) == 0)
            {
                fields.Add($"\"{name}\": {make(random)}");
            }
        }

        return $"{{{string.Join(',', fields)}}}";
    }

    /// <summary>The JSON with each string value replaced by the JSON string text <paramref name="escaped"/>.</summary>
    private static string EveryString(string json, string escaped)
    {
        const string Placeholder = "__hostile__";
        void Replace(System.Text.Json.Nodes.JsonNode? node)
        {
            foreach (var child in node switch
            {
                System.Text.Json.Nodes.JsonObject o => o.Select(p => p.Value).ToList(),
                System.Text.Json.Nodes.JsonArray a => [.. a],
                _ => [],
            })
            {
                if (child is System.Text.Json.Nodes.JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String)
                {
                    child.ReplaceWith(Placeholder);
                }
                else
                {
                    Replace(child);
                }
            }
        }

        var root = System.Text.Json.Nodes.JsonNode.Parse(json);
        Replace(root);
        return root!.ToJsonString().Replace(Placeholder, escaped, StringComparison.Ordinal);
    }

    private static string RandomMap(Random random) =>
        $"{{{string.Join(',', Enumerable.Range(0, random.Next(5)).Select(_ => $"{HostileText(random)}: {HostileText(random)}"))}}}";

    /// <summary>A JSON string literal mixing hostile pieces.</summary>
    private static string HostileText(Random random)
    {
        var text = new StringBuilder("\"");
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            text.Append(random.Next(8) == 0 ? new string('x', random.Next(1, 5_000)) : StringPieces[random.Next(StringPieces.Length)]);
        }

        return text.Append('"').ToString();
    }

    /// <summary>Text for a query value: a hostile piece as the characters it stands for.</summary>
    private static string Unescaped(Random random) => random.Next(5) switch
    {
        0 => "\0",
        1 => new string('z', random.Next(1, 3_000)),
        2 => "\u2028:\u0085",
        3 => "' OR 1=1 --",
        _ => "-1",
    };

    private IReadOnlyList<(string Name, byte[] Value)> KeyFor(ContractOperation operation) =>
        [FuzzCase.Header("X-Api-Key", operation.Path.StartsWith("/admin", StringComparison.Ordinal) || operation.Id == "ListUserStats" ? keys["admin"] : keys["user"])];

    private string? ValidBody(ContractOperation operation) => operation.HasBody ? operation.ExampleBody ?? """{"reason": "fuzz"}""" : null;

    private FuzzCase Request(ContractOperation operation, string why, IReadOnlyList<(string Name, byte[] Value)>? headers, string target, string? body, string? mediaType = Json) =>
        Request(operation, why, headers, target, body is null ? null : Bytes(body), mediaType);

    private static FuzzCase Request(ContractOperation operation, string why, IReadOnlyList<(string Name, byte[] Value)>? headers, string target, byte[]? body, string? mediaType = Json)
    {
        List<(string Name, byte[] Value)> all = [.. headers ?? []];
        if (body is not null && mediaType is not null)
        {
            all.Add(FuzzCase.Header("Content-Type", mediaType));
        }

        return new FuzzCase($"{operation.Id} {why}", operation.Method, target, all, body);
    }

    private string Fill(ContractOperation operation, Func<string, string?> value) =>
        string.Join('/', operation.Path.Split('/').Select(segment => segment.StartsWith('{') ? value(segment.Trim('{', '}')) ?? known[segment.Trim('{', '}')] : segment));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}

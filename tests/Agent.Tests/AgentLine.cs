using System.Text.Json;

namespace EventPlatform.Agent.Tests;

/// <summary>One line the agent wrote, read back from its JSON.</summary>
internal sealed record AgentLine(
    string Level, string JobId, int Attempt, string Stream, string Message, string? CorrelationId = null, string? Event = null, string? TraceId = null)
{
    private static readonly string[] Fields = ["timestamp", "level", "jobId", "attempt", "stream", "message"];

    /// <summary>Every line must be one JSON object with exactly the fields a log shipper indexes.</summary>
    public static IReadOnlyList<AgentLine> Parse(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ParseLine)];

    private static AgentLine ParseLine(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var correlationId = root.TryGetProperty("correlationId", out var correlation) ? correlation.GetString() : null;
        var recordEvent = root.TryGetProperty("event", out var named) ? named.GetString() : null;
        var traceId = root.TryGetProperty("traceId", out var trace) ? trace.GetString() : null;
        string[] expected =
        [
            .. Fields, .. correlationId is null ? [] : new[] { "correlationId" }, .. recordEvent is null ? [] : new[] { "event" },
            .. traceId is null ? [] : new[] { "traceId" },
        ];
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(expected), line);
        Assert.That(DateTimeOffset.TryParse(root.GetProperty("timestamp").GetString(), out _), Is.True, line);
        return new AgentLine(
            root.GetProperty("level").GetString()!,
            root.GetProperty("jobId").GetString()!,
            root.GetProperty("attempt").GetInt32(),
            root.GetProperty("stream").GetString()!,
            root.GetProperty("message").GetString()!,
            correlationId,
            recordEvent,
            traceId);
    }
}

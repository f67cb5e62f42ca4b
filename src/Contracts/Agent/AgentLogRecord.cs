using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventPlatform.Contracts.Agent;

/// <summary>
/// One line the Agent writes: a JSON object that stands alone and names its job, whether relayed by
/// the local launcher or shipped to CloudWatch Logs by the awslogs driver.
/// </summary>
public sealed record AgentLogRecord(
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName(AgentLogRecord.JobIdField)] string JobId,
    [property: JsonPropertyName(AgentLogRecord.AttemptField)] int Attempt,
    [property: JsonPropertyName(AgentLogRecord.StreamField)] string Stream,
    [property: JsonPropertyName(AgentLogRecord.MessageField)] string Message,
    [property: JsonPropertyName("correlationId")] string? CorrelationId,
    [property: JsonPropertyName(AgentLogRecord.EventField)] string? Event = null,
    [property: JsonPropertyName("traceId")] string? TraceId = null)
{
    public const string JobIdField = "jobId";
    public const string AttemptField = "attempt";
    public const string StreamField = "stream";
    public const string MessageField = "message";
    public const string EventField = "event";

    /// <summary>
    /// The <see cref="Event"/> of the Agent's line that says the job's command started: a launcher that
    /// reads the Agent's lines reports the task running from then, so the run deadline counts from the
    /// command, not from the Agent's own start-up.
    /// </summary>
    public const string CommandStarted = "commandStarted";

    /// <summary>The command's standard output and error; the Agent's own lines are <see cref="AgentStream"/>.</summary>
    public const string StandardOutput = "stdout";
    public const string StandardError = "stderr";
    public const string AgentStream = "agent";

    /// <summary>Whether <paramref name="agentLine"/> is the Agent's record that the command started.</summary>
    public static bool IsCommandStarted(string agentLine) =>
        agentLine.Contains(CommandStarted, StringComparison.Ordinal)
        && Read(agentLine) is { Stream: AgentStream, Event: CommandStarted };

    /// <summary>The command's own line (stdout or stderr) in an Agent log record; null for the agent's lines and anything else.</summary>
    public static string? CommandOutput(string agentLine) =>
        Read(agentLine) is { Stream: StandardOutput or StandardError, Message: { } message } ? message : null;

    /// <summary>The fields of a line that matter to its readers, each null unless it is a string; null for a line that is no JSON object.</summary>
    private static (string? Stream, string? Message, string? Event)? Read(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var record = JsonDocument.Parse(line);
            var root = record.RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? (Text(root, StreamField), Text(root, MessageField), Text(root, EventField))
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

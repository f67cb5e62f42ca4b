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
    [property: JsonPropertyName("correlationId")] string? CorrelationId)
{
    public const string JobIdField = "jobId";
    public const string AttemptField = "attempt";
    public const string StreamField = "stream";
    public const string MessageField = "message";

    /// <summary>The command's standard output and error; the Agent's own lines are <see cref="AgentStream"/>.</summary>
    public const string StandardOutput = "stdout";
    public const string StandardError = "stderr";
    public const string AgentStream = "agent";

    /// <summary>The command's own line (stdout or stderr) in an Agent log record; null for the agent's lines and anything else.</summary>
    public static string? CommandOutput(string agentLine)
    {
        if (!agentLine.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var record = JsonDocument.Parse(agentLine);
            var root = record.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty(StreamField, out var stream)
                && stream.ValueKind == JsonValueKind.String
                && stream.GetString() is StandardOutput or StandardError
                && root.TryGetProperty(MessageField, out var message)
                && message.ValueKind == JsonValueKind.String
                    ? message.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

using System.Text.Json;

namespace EventPlatform.EcsBridge.LiveOutput;

/// <summary>
/// The Agent's log records (src/Agent/AgentLog.cs): one JSON object per line with <c>jobId</c>,
/// <c>attempt</c>, <c>stream</c> (stdout, stderr or agent) and <c>message</c>, whether relayed by the
/// local launcher or shipped to CloudWatch Logs by the awslogs driver.
/// </summary>
internal static class AgentLogRecord
{
    public const string JobIdField = "jobId";
    public const string AttemptField = "attempt";

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
                && root.TryGetProperty("stream", out var stream)
                && stream.ValueKind == JsonValueKind.String
                && stream.GetString() is "stdout" or "stderr"
                && root.TryGetProperty("message", out var message)
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

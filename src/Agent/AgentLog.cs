using System.Text.Json;

namespace EventPlatform.Agent;

/// <summary>
/// Writes one JSON object per line: the task's stdout is shipped as is (awslogs in ECS), so
/// every line must stand alone and name its job.
/// </summary>
internal sealed class AgentLog(TextWriter output, AgentContext context)
{
    private readonly Lock gate = new();

    public void Output(string stream, string line) => Write(stream, line, level: "Information");

    public void Info(string message) => Write("agent", message, level: "Information");

    public void Error(string message) => Write("agent", message, level: "Error");

    private void Write(string stream, string message, string level)
    {
        var line = new LogLine(DateTimeOffset.UtcNow, level, context.JobId, context.Attempt, stream, message, context.CorrelationId);
        var json = JsonSerializer.Serialize(line, AgentJson.Default.LogLine);
        lock (gate)
        {
            try
            {
                output.WriteLine(json);
                output.Flush();
            }
            catch (IOException)
            {
                // Nobody reads the task's output any more (the local launcher died). The command
                // goes on, or the parent watch stops it; a log line is not worth crashing for.
            }
        }
    }
}

internal sealed record LogLine(DateTimeOffset Timestamp, string Level, string JobId, int Attempt, string Stream, string Message, string? CorrelationId);

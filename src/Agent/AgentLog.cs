using System.Text.Json;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Agent;

/// <summary>
/// Writes one JSON object per line: the task's stdout is shipped as is (awslogs in ECS), so
/// every line must stand alone and name its job.
/// </summary>
internal sealed class AgentLog(TextWriter output, AgentContext context)
{
    private readonly Lock gate = new();

    public void Output(string stream, string line) => Write(stream, line, level: "Information");

    public void Info(string message) => Write(AgentLogRecord.AgentStream, message, level: "Information");

    /// <summary>The line a launcher reads as "the command runs" (<see cref="AgentLogRecord.CommandStarted"/>).</summary>
    public void CommandStarted(string message) => Write(AgentLogRecord.AgentStream, message, level: "Information", AgentLogRecord.CommandStarted);

    public void Error(string message) => Write(AgentLogRecord.AgentStream, message, level: "Error");

    private void Write(string stream, string message, string level, string? recordEvent = null)
    {
        var line = new AgentLogRecord(DateTimeOffset.UtcNow, level, context.JobId, context.Attempt, stream, message, context.CorrelationId, recordEvent, context.TraceId);
        var json = JsonSerializer.Serialize(line, AgentJson.Default.AgentLogRecord);
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

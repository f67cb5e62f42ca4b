using System.Text;
using System.Text.Json;

namespace EventPlatform.EcsBridge.LocalLauncher;

/// <summary>
/// The command's output so far, as plain lines taken from the Agent's JSON log records: what
/// <c>GET /jobs/{id}/logs</c> serves while the attempt runs. Best effort: a full disk loses live
/// lines, never the task (the Agent's logs.txt is the complete copy).
/// </summary>
internal sealed class LiveLog : IDisposable
{
    private readonly Lock gate = new();
    private readonly StreamWriter writer;

    private LiveLog(StreamWriter writer) => this.writer = writer;

    public static LiveLog Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        return new LiveLog(new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n", AutoFlush = true });
    }

    public void Append(string agentLine)
    {
        if (CommandOutput(agentLine) is not { } text)
        {
            return;
        }

        lock (gate)
        {
            try
            {
                writer.WriteLine(text);
            }
            catch (IOException)
            {
                // See the summary: the live copy may lose lines.
            }
            catch (ObjectDisposedException)
            {
                // A line relayed after the attempt ended.
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            try
            {
                writer.Dispose();
            }
            catch (IOException)
            {
                // The last flush failed; nothing more to keep.
            }
        }
    }

    /// <summary>The command's own line (stdout or stderr) in an Agent log record; null for the agent's lines and anything else.</summary>
    internal static string? CommandOutput(string agentLine)
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

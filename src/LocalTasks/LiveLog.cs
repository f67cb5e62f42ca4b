using System.Text;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.LocalTasks;

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
        if (AgentLogRecord.CommandOutput(agentLine) is not { } text)
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
}

using EventPlatform.Contracts.Agent;

namespace EventPlatform.LocalTasks.Tests;

public class When_the_local_launcher_keeps_a_live_log
{
    private const string Record = """{"timestamp":"2025-05-01T12:00:00+00:00","level":"Information","jobId":"j","attempt":1,"stream":"{0}","message":"{1}"}""";

    [TestCase("stdout", "hello", "hello")]
    [TestCase("stderr", "warning: \\\"x\\\"\\ttab", "warning: \"x\"\ttab")]
    [TestCase("stdout", "", "")]
    [TestCase("agent", "Started 'sh' as pid 1.", null)]
    public void Should_keep_the_commands_lines_and_not_the_agents(string stream, string message, string? kept) =>
        Assert.That(AgentLogRecord.CommandOutput(Record.Replace("{0}", stream, StringComparison.Ordinal).Replace("{1}", message, StringComparison.Ordinal)), Is.EqualTo(kept));

    [TestCase("eventplatform agent failed: System.Exception")]
    [TestCase("{ not json")]
    [TestCase("[1, 2]")]
    [TestCase("""{"stream": "stdout"}""")]
    [TestCase("""{"stream": "stdout", "message": 3}""")]
    public void Should_ignore_what_is_not_an_agent_record(string line) =>
        Assert.That(AgentLogRecord.CommandOutput(line), Is.Null);

    [Test]
    public void Should_let_readers_see_each_line_as_soon_as_it_is_appended()
    {
        var folder = Directory.CreateTempSubdirectory("ep-live-log-");
        try
        {
            var path = Path.Combine(folder.FullName, "live", "attempt-1.log");
            using var log = LiveLog.Open(path);

            log.Append(Record.Replace("{0}", "stdout", StringComparison.Ordinal).Replace("{1}", "one", StringComparison.Ordinal));
            Assert.That(Read(path), Is.EqualTo("one\n"));
            log.Append(Record.Replace("{0}", "stderr", StringComparison.Ordinal).Replace("{1}", "two", StringComparison.Ordinal));
            Assert.That(Read(path), Is.EqualTo("one\ntwo\n"));
            log.Dispose();
            log.Append(Record.Replace("{0}", "stdout", StringComparison.Ordinal).Replace("{1}", "late", StringComparison.Ordinal));
            Assert.That(Read(path), Is.EqualTo("one\ntwo\n"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string Read(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadToEnd();
    }
}

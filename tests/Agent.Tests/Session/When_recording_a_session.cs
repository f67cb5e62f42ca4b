using EventPlatform.Agent.Session;

namespace EventPlatform.Agent.Tests.Session;

public class When_recording_a_session
{
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private string folder = null!;

    [SetUp]
    public void CreateFolder() => folder = Directory.CreateTempSubdirectory("ep-recorder-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(folder, recursive: true);

    [TestCase("::step build", "build")]
    [TestCase("::step   open browser  ", "open browser")]
    [TestCase("::step ", null)]
    [TestCase("::step", null)]
    [TestCase(" ::step build", null)]
    [TestCase("::STEP build", null)]
    [TestCase("echo ::step build", null)]
    public void Should_take_only_a_line_that_starts_with_the_marker_as_a_step(string line, string? step) =>
        Assert.That(StepMarker.Parse(line), Is.EqualTo(step));

    [Test]
    public void Should_time_each_step_from_the_start_and_until_the_next_one()
    {
        var clock = new ManualClock(Start);
        using var recorder = new OutputRecorder(Path.Combine(folder, "logs.txt"), clock);

        clock.Advance(TimeSpan.FromMilliseconds(120));
        recorder.OnOutput("stdout", "::step open-browser");
        clock.Advance(TimeSpan.FromMilliseconds(30));
        recorder.OnOutput("stdout", "opening");
        clock.Advance(TimeSpan.FromMilliseconds(250));
        recorder.OnOutput("stderr", "::step click");
        clock.Advance(TimeSpan.FromMilliseconds(600));
        recorder.End();

        var replay = recorder.Replay("job-1", 2);

        Assert.That((replay.JobId, replay.Attempt, replay.StartedAt, replay.EndedAt, replay.DurationMs), Is.EqualTo(("job-1", 2, Start, Start.AddMilliseconds(1000), 1000L)));
        Assert.That(replay.Steps, Is.EqualTo(new[]
        {
            new ReplayStep("open-browser", 120, Start.AddMilliseconds(120), 280),
            new ReplayStep("click", 400, Start.AddMilliseconds(400), 600),
        }));
    }

    [Test]
    public void Should_keep_every_line_in_order_and_nothing_after_the_end()
    {
        var clock = new ManualClock(Start);
        var path = Path.Combine(folder, "logs.txt");
        using (var recorder = new OutputRecorder(path, clock))
        {
            recorder.OnOutput("stdout", "::step build");
            recorder.OnOutput("stderr", "warning: tabs\tand \"quotes\"");
            recorder.OnOutput("stdout", string.Empty);
            recorder.End();
            recorder.OnOutput("stdout", "late line");

            Assert.That(recorder.Replay("job-1", 1).Steps.Select(s => s.Name), Is.EqualTo(new[] { "build" }));
        }

        Assert.That(File.ReadAllText(path), Is.EqualTo("::step build\nwarning: tabs\tand \"quotes\"\n\n"));
    }

    [Test]
    public void Should_have_no_steps_when_none_were_marked()
    {
        var clock = new ManualClock(Start);
        using var recorder = new OutputRecorder(Path.Combine(folder, "logs.txt"), clock);
        recorder.OnOutput("stdout", "just output");
        clock.Advance(TimeSpan.FromSeconds(2));
        recorder.End();

        var replay = recorder.Replay("job-1", 1);

        Assert.That(replay.Steps, Is.Empty);
        Assert.That((replay.StartedAt, replay.EndedAt, replay.DurationMs), Is.EqualTo((Start, Start.AddSeconds(2), 2000L)));
    }

    [Test]
    public void Should_refuse_a_replay_before_the_end() =>
        Assert.Throws<InvalidOperationException>(() =>
        {
            using var recorder = new OutputRecorder(Path.Combine(folder, "logs.txt"), new ManualClock(Start));
            recorder.Replay("job-1", 1);
        });
}

namespace EventPlatform.Agent.Session;

/// <summary>
/// Keeps what a job's session leaves behind besides its files: every output line (in a file, so
/// a chatty command does not fill the agent's memory) and the steps it marked, timed from the
/// moment the recorder started.
/// </summary>
internal sealed class OutputRecorder : IOutputObserver, IDisposable
{
    private readonly Lock gate = new();
    private readonly TimeProvider clock;
    private readonly long startTimestamp;
    private readonly StreamWriter logs;
    private readonly List<(string Name, long OffsetMs, DateTimeOffset At)> steps = [];
    private DateTimeOffset? endedAt;

    public OutputRecorder(string logsPath, TimeProvider clock)
    {
        this.clock = clock;
        LogsPath = logsPath;
        StartedAt = clock.GetUtcNow();
        startTimestamp = clock.GetTimestamp();
        logs = new StreamWriter(new FileStream(logsPath, FileMode.Create, FileAccess.Write, FileShare.Read))
        {
            NewLine = "\n",
        };
    }

    public string LogsPath { get; }

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset EndedAt => endedAt ?? throw new InvalidOperationException("The session has not ended.");

    public void OnOutput(string stream, string line)
    {
        var offsetMs = (long)clock.GetElapsedTime(startTimestamp).TotalMilliseconds;
        var at = clock.GetUtcNow();
        lock (gate)
        {
            if (endedAt is not null)
            {
                return;
            }

            logs.WriteLine(line);
            if (StepMarker.Parse(line) is { } name)
            {
                steps.Add((name, offsetMs, at));
            }
        }
    }

    /// <summary>Stops recording: lines relayed afterwards are not the session's any more.</summary>
    public void End()
    {
        var at = StartedAt + clock.GetElapsedTime(startTimestamp);
        lock (gate)
        {
            if (endedAt is not null)
            {
                return;
            }

            endedAt = at;
            logs.Flush();
        }
    }

    public SessionReplay Replay(string jobId, int attempt)
    {
        lock (gate)
        {
            var ended = EndedAt;
            var durationMs = (long)(ended - StartedAt).TotalMilliseconds;
            var timed = steps
                .Select((step, i) => new ReplayStep(
                    step.Name,
                    step.OffsetMs,
                    step.At,
                    Math.Max(0, (i + 1 < steps.Count ? steps[i + 1].OffsetMs : durationMs) - step.OffsetMs)))
                .ToList();
            return new SessionReplay(jobId, attempt, StartedAt, ended, durationMs, timed);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            logs.Dispose();
        }
    }
}

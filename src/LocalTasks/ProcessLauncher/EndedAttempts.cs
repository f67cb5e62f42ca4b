using System.Collections.Concurrent;

namespace EventPlatform.LocalTasks.ProcessLauncher;

/// <summary>
/// Attempts that ended here, or were stopped before they were seen: a LaunchTask delivered again,
/// or late behind its StopTask, must not run the job a second time. Remembered long enough to
/// outlast any redelivery, then forgotten so the table stays small.
/// </summary>
internal sealed class EndedAttempts(TimeProvider clock)
{
    private static readonly TimeSpan Memory = TimeSpan.FromMinutes(10);
    private const int PruneThreshold = 10_000;

    private readonly ConcurrentDictionary<(Guid JobId, int Attempt), DateTimeOffset> ended = new();

    public void Remember(Guid jobId, int attempt)
    {
        var now = clock.GetUtcNow();
        ended[(jobId, attempt)] = now;
        if (ended.Count > PruneThreshold)
        {
            foreach (var (key, at) in ended)
            {
                if (now - at > Memory)
                {
                    ended.TryRemove(key, out _);
                }
            }
        }
    }

    public bool Contains(Guid jobId, int attempt) =>
        ended.TryGetValue((jobId, attempt), out var at) && clock.GetUtcNow() - at <= Memory;
}

using System.Collections.Concurrent;
using EventPlatform.Contracts;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge;

namespace EventPlatform.LocalTasks;

/// <summary>
/// Attempts that ended here (with how they ended), or were stopped or given up before they were seen:
/// a LaunchTask delivered again, or late behind its StopTask, must not run the job a second time, and
/// a question about an ended attempt gets its outcome again. Remembered long enough to outlast any
/// redelivery, then forgotten so the table stays small.
/// </summary>
internal sealed class EndedAttempts(TimeProvider clock)
{
    private static readonly TimeSpan Memory = TimeSpan.FromMinutes(10);
    private const int PruneThreshold = 10_000;

    private readonly ConcurrentDictionary<(Guid JobId, int Attempt), (DateTimeOffset At, TaskStopped? Outcome)> ended = new();

    /// <summary>Remembers an attempt that ended here (<paramref name="outcome"/>) or that must never start (no outcome).</summary>
    public void Remember(Guid jobId, int attempt, TaskStopped? outcome = null)
    {
        var now = clock.GetUtcNow();
        ended[(jobId, attempt)] = (now, outcome);
        if (ended.Count > PruneThreshold)
        {
            foreach (var (key, entry) in ended)
            {
                if (now - entry.At > Memory)
                {
                    ended.TryRemove(key, out _);
                }
            }
        }
    }

    public bool Contains(Guid jobId, int attempt) => TryGet(jobId, attempt, out _);

    /// <summary>Whether the attempt ended here or was refused, and how it ended if it ran.</summary>
    public bool TryGet(Guid jobId, int attempt, out TaskStopped? outcome)
    {
        if (ended.TryGetValue((jobId, attempt), out var entry) && clock.GetUtcNow() - entry.At <= Memory)
        {
            outcome = entry.Outcome;
            return true;
        }

        outcome = null;
        return false;
    }

    /// <summary>
    /// The answer of a launcher on this machine to <paramref name="question"/> (see <c>ITaskLauncher.ReconcileAsync</c>),
    /// given the attempt's task while it runs here. Call it under the lock that also decides launches, so an
    /// attempt given up here is never started afterwards.
    /// </summary>
    public IJobMessage? Answer(ReconcileTask question, (string TaskArn, DateTimeOffset StartedAt)? running, TimeProvider clock)
    {
        var hasEnded = TryGet(question.JobId, question.Attempt, out var outcome);

        // The asker's task is not the one that ran the attempt here: it died with an earlier host.
        var known = hasEnded ? outcome?.TaskId : running?.TaskArn;
        if (question.TaskId is { Length: > 0 } asked && known is { Length: > 0 } && known != asked)
        {
            return TaskLost.For(question, clock);
        }

        if (hasEnded)
        {
            return outcome ?? (question.TaskId is not null || question.RelaunchIfUnknown ? TaskLost.For(question, clock) : null);
        }

        if (running is { } task)
        {
            // News only to an asker who knows no task yet: its RUNNING event was lost.
            return question.TaskId is null ? new TaskStarted(question.JobId, question.Attempt, task.TaskArn, task.StartedAt) : null;
        }

        if (question.TaskId is null && !question.RelaunchIfUnknown)
        {
            return null;
        }

        Remember(question.JobId, question.Attempt);
        return TaskLost.For(question, clock);
    }
}

using System.Collections.Concurrent;
using EventPlatform.EcsBridge.TaskEvents;

namespace EventPlatform.EcsBridge.Ecs;

/// <summary>
/// The attempt tag RunTask set, read with DescribeTasks once per task: a task keeps its tags, and every
/// event of an untagged task would otherwise cost a call. A task ECS does not know is not cached, so a
/// later event of it asks again.
/// </summary>
internal sealed class EcsTaskAttempts(EcsClient ecs) : ITaskAttempts
{
    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<string, int> attempts = new(StringComparer.Ordinal);

    public async Task<int?> AttemptOfAsync(string taskArn, CancellationToken cancellationToken)
    {
        if (attempts.TryGetValue(taskArn, out var known))
        {
            return known;
        }

        var described = await ecs.DescribeTasksAsync([taskArn], cancellationToken).ConfigureAwait(false);
        if (described.Tasks.FirstOrDefault(t => t.TaskArn == taskArn)?.Attempt is not { } attempt)
        {
            return null;
        }

        if (attempts.Count >= MaxRemembered)
        {
            attempts.Clear();
        }

        attempts[taskArn] = attempt;
        return attempt;
    }
}

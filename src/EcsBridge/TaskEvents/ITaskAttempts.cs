namespace EventPlatform.EcsBridge.TaskEvents;

/// <summary>
/// The attempt a task runs, from the tags its launcher set, for a task event that lost the attempt's
/// override (an event from a task whose overrides ECS did not echo back). Only the ECS launcher has tags.
/// </summary>
public interface ITaskAttempts
{
    /// <summary>The attempt the task's tags name, or null when it has none or ECS does not know it.</summary>
    Task<int?> AttemptOfAsync(string taskArn, CancellationToken cancellationToken);
}

using System.Globalization;
using System.Text.Json;
using EventPlatform.Contracts.Agent;
using EventPlatform.Contracts.Tasks;

namespace EventPlatform.EcsBridge.TaskEvents;

/// <summary>
/// Turns one raw "ECS Task State Change" event into the bus message it means, or says why it
/// means nothing to us. Pure: ordering and duplicates are the intake's concern.
/// </summary>
internal static class TaskEventTranslator
{
    private const string Running = "RUNNING";
    private const string Stopped = "STOPPED";

    /// <param name="rawEvent">The event as EventBridge (or a local launcher) wrote it.</param>
    /// <param name="attemptFromTags">The attempt the task's tags name, for an event that carries no attempt override.</param>
    public static TaskEventTranslation Translate(string rawEvent, int? attemptFromTags = null)
    {
        EcsTaskStateChange? change;
        try
        {
            change = JsonSerializer.Deserialize(rawEvent, EcsJson.Default.EcsTaskStateChange);
        }
        catch (JsonException ex)
        {
            return TaskEventTranslation.Malformed($"Not a JSON event: {ex.Message}");
        }

        if (change is null)
        {
            return TaskEventTranslation.Malformed("Empty event.");
        }

        if (change.Source != EcsTaskStateChange.EcsSource || change.DetailType != EcsTaskStateChange.TaskStateChangeType)
        {
            return TaskEventTranslation.Ignored($"Not a task state change ({change.Source}: {change.DetailType}).");
        }

        // Progress (PROVISIONING, PENDING, ACTIVATING, DEPROVISIONING...) means nothing to a job, whatever else the event lacks.
        if (change.Detail is { LastStatus: not (Running or Stopped) } progress)
        {
            return TaskEventTranslation.Progress($"Task {progress.TaskArn} is {progress.LastStatus}: progress only.");
        }

        if (change.Detail is not { TaskArn: { } taskArn } detail)
        {
            return TaskEventTranslation.Malformed("Task state change without detail.taskArn.");
        }

        if (!Guid.TryParse(detail.StartedBy, out var jobId))
        {
            return TaskEventTranslation.Ignored($"Task {taskArn} was not started by the platform (startedBy '{detail.StartedBy}').");
        }

        if ((ReadAttempt(detail) ?? attemptFromTags) is not { } attempt)
        {
            return TaskEventTranslation.WithoutAttempt(taskArn, $"Task {taskArn} of job {jobId} carries no {TaskVariables.Attempt} override.");
        }

        var at = change.Time ?? DateTimeOffset.UtcNow;
        var correlationId = ReadCorrelationId(detail);
        var traceParent = Override(detail, TaskVariables.TraceParent);
        return detail.LastStatus switch
        {
            Running => TaskEventTranslation.Translated(
                taskArn, detail.Version, new TaskStarted(jobId, attempt, taskArn, detail.StartedAt ?? at), correlationId, traceParent),
            _ => TaskEventTranslation.Translated(
                taskArn,
                detail.Version,
                new TaskStopped(
                    jobId,
                    attempt,
                    taskArn,
                    JobContainer(detail)?.ExitCode,
                    detail.StopCode ?? "Unknown",
                    detail.StoppedReason,
                    detail.StoppedAt ?? at)
                {
                    ContainerReason = JobContainer(detail)?.Reason,
                },
                correlationId,
                traceParent),
        };
    }

    /// <summary>The job's own container: a sidecar ECS adds (log router, Service Connect) may be listed first.</summary>
    private static EcsContainer? JobContainer(EcsTaskDetail detail) =>
        detail.Containers?.FirstOrDefault(c => c.Name == EcsTaskStateChange.JobContainerName) ?? detail.Containers?.FirstOrDefault();

    private static int? ReadAttempt(EcsTaskDetail detail) =>
        int.TryParse(Override(detail, TaskVariables.Attempt), NumberStyles.Integer, CultureInfo.InvariantCulture, out var attempt) && attempt > 0
            ? attempt
            : null;

    /// <summary>Absent from tasks launched before the platform set it: their events start a conversation of their own.</summary>
    private static Guid? ReadCorrelationId(EcsTaskDetail detail) =>
        Guid.TryParse(Override(detail, TaskVariables.CorrelationId), out var correlationId) ? correlationId : null;

    private static string? Override(EcsTaskDetail detail, string name) =>
        detail.Overrides?.ContainerOverrides?
            .SelectMany(o => o.Environment ?? [])
            .FirstOrDefault(e => e.Name == name)?.Value;
}

public enum TaskEventOutcome
{
    Translated,
    Ignored,
    Malformed,
}

/// <summary>
/// What a raw event means; <c>CorrelationId</c> is the job's, from the task's overrides, for the message to
/// travel in the job's conversation. <c>IsProgress</c>: ignored because the task only progressed
/// (PROVISIONING, PENDING...), not because it is not the platform's.
/// </summary>
internal sealed record TaskEventTranslation(
    TaskEventOutcome Outcome, string? TaskArn, long Version, object? Message, string? Reason, Guid? CorrelationId = null, bool IsProgress = false)
{
    /// <summary>The job's trace, from the task's overrides (<c>EP_TRACEPARENT</c>); not part of what the event means.</summary>
    public string? TraceParent { get; init; }

    public static TaskEventTranslation Translated(string taskArn, long version, object message, Guid? correlationId, string? traceParent = null) =>
        new(TaskEventOutcome.Translated, taskArn, version, message, null, correlationId) { TraceParent = traceParent };

    public static TaskEventTranslation Ignored(string reason) => new(TaskEventOutcome.Ignored, null, 0, null, reason);

    public static TaskEventTranslation Progress(string reason) => new(TaskEventOutcome.Ignored, null, 0, null, reason, IsProgress: true);

    public static TaskEventTranslation Malformed(string reason) => new(TaskEventOutcome.Malformed, null, 0, null, reason);

    /// <summary>Malformed as it stands, but the task's tags may name its attempt (see <see cref="TaskEventIntake"/>).</summary>
    public static TaskEventTranslation WithoutAttempt(string taskArn, string reason) => new(TaskEventOutcome.Malformed, taskArn, 0, null, reason);
}

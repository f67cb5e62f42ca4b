using System.Globalization;
using EventPlatform.Contracts.Agent;
using EventPlatform.EcsBridge.TaskEvents;

namespace EventPlatform.LocalTasks;

/// <summary>Writes the EventBridge events ECS would emit for a local task, so they take the ECS path in.</summary>
internal static class LocalTaskEvents
{
    public const string ClusterArn = "arn:aws:ecs:local:000000000000:cluster/eventplatform-local";

    public static string NewTaskArn() => $"arn:aws:ecs:local:000000000000:task/eventplatform-local/{Guid.CreateVersion7():N}";

    public static string Running(LocalTask task, DateTimeOffset at) => EcsJson.Serialize(Change(at, new EcsTaskDetail(
        task.TaskArn,
        ClusterArn,
        LastStatus: "RUNNING",
        DesiredStatus: "RUNNING",
        StartedBy: task.JobId.ToString(),
        Version: 1,
        StopCode: null,
        StoppedReason: null,
        StartedAt: at,
        StoppedAt: null,
        Containers: [new EcsContainer(EcsTaskStateChange.JobContainerName, "RUNNING", ExitCode: null, Reason: null)],
        Overrides: Overrides(task))));

    public static string Stopped(LocalTask task, DateTimeOffset at, int? exitCode, string stopCode, string reason) =>
        EcsJson.Serialize(Change(at, new EcsTaskDetail(
            task.TaskArn,
            ClusterArn,
            LastStatus: "STOPPED",
            DesiredStatus: "STOPPED",
            StartedBy: task.JobId.ToString(),
            Version: 2,
            StopCode: stopCode,
            StoppedReason: reason,
            StartedAt: task.StartedAt,
            StoppedAt: at,
            Containers: [new EcsContainer(EcsTaskStateChange.JobContainerName, "STOPPED", exitCode, task.ContainerReason)],
            Overrides: Overrides(task))));

    private static EcsTaskStateChange Change(DateTimeOffset at, EcsTaskDetail detail) =>
        new(EcsTaskStateChange.TaskStateChangeType, EcsTaskStateChange.EcsSource, at, detail);

    private static EcsOverrides Overrides(LocalTask task)
    {
        List<EcsKeyValue> environment =
        [
            new(TaskVariables.JobId, task.JobId.ToString()),
            new(TaskVariables.Attempt, task.Attempt.ToString(CultureInfo.InvariantCulture)),
        ];
        if (task.CorrelationId is { } correlationId)
        {
            environment.Add(new(TaskVariables.CorrelationId, correlationId.ToString("N")));
        }

        if (task.TraceParent is { } traceParent)
        {
            environment.Add(new(TaskVariables.TraceParent, traceParent));
        }

        return new([new EcsContainerOverride(EcsTaskStateChange.JobContainerName, Command: null, environment)]);
    }
}

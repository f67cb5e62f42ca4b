using System.Text.Json.Serialization;

namespace EventPlatform.EcsBridge.TaskEvents;

/// <summary>
/// The fields we read of an EventBridge "ECS Task State Change" event, as the Amazon ECS
/// developer guide documents them. The local launcher produces the same shape, so both paths
/// share one translation.
/// </summary>
public sealed record EcsTaskStateChange(
    [property: JsonPropertyName("detail-type")] string? DetailType,
    [property: JsonPropertyName("source")] string? Source,
    [property: JsonPropertyName("time")] DateTimeOffset? Time,
    [property: JsonPropertyName("detail")] EcsTaskDetail? Detail)
{
    public const string TaskStateChangeType = "ECS Task State Change";
    public const string EcsSource = "aws.ecs";

    /// <summary>The name of the job's container in the task definition and in every override.</summary>
    public const string JobContainerName = "job";
}

public sealed record EcsTaskDetail(
    string? TaskArn,
    string? ClusterArn,
    string? LastStatus,
    string? DesiredStatus,
    string? StartedBy,
    long Version,
    string? StopCode,
    string? StoppedReason,
    DateTimeOffset? StartedAt,
    DateTimeOffset? StoppedAt,
    IReadOnlyList<EcsContainer>? Containers,
    EcsOverrides? Overrides);

public sealed record EcsContainer(string? Name, string? LastStatus, int? ExitCode, string? Reason);

public sealed record EcsOverrides(IReadOnlyList<EcsContainerOverride>? ContainerOverrides);

public sealed record EcsContainerOverride(string? Name, IReadOnlyList<string>? Command, IReadOnlyList<EcsKeyValue>? Environment);

public sealed record EcsKeyValue(string Name, string Value);

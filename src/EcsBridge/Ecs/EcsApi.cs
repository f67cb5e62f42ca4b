namespace EventPlatform.EcsBridge.Ecs;

// The request and response shapes of the ECS API (version 2014-11-13) that we use, with the
// field names of the Amazon ECS API reference. Only what we send or read is declared.

internal sealed record RunTaskRequest(
    string Cluster,
    string TaskDefinition,
    string LaunchType,
    int Count,
    string StartedBy,
    string ClientToken,
    NetworkConfiguration NetworkConfiguration,
    TaskOverride Overrides,
    IReadOnlyList<Tag> Tags);

internal sealed record NetworkConfiguration(AwsVpcConfiguration AwsvpcConfiguration);

internal sealed record AwsVpcConfiguration(IReadOnlyList<string> Subnets, IReadOnlyList<string> SecurityGroups, string AssignPublicIp);

internal sealed record TaskOverride(IReadOnlyList<ContainerOverride> ContainerOverrides, string? Cpu = null, string? Memory = null);

internal sealed record ContainerOverride(string Name, IReadOnlyList<string> Command, IReadOnlyList<EnvironmentVariable> Environment);

internal sealed record EnvironmentVariable(string Name, string Value);

internal sealed record Tag(string Key, string Value);

internal sealed record RunTaskResponse(IReadOnlyList<EcsTask>? Tasks, IReadOnlyList<Failure>? Failures);

internal sealed record StopTaskRequest(string Cluster, string Task, string Reason);

internal sealed record StopTaskResponse(EcsTask? Task);

internal sealed record DescribeTasksRequest(string Cluster, IReadOnlyList<string> Tasks, IReadOnlyList<string> Include);

internal sealed record DescribeTasksResponse(IReadOnlyList<EcsTask>? Tasks, IReadOnlyList<Failure>? Failures);

internal sealed record ListTasksRequest(string Cluster, string StartedBy, string DesiredStatus, string? NextToken = null);

internal sealed record ListTasksResponse(IReadOnlyList<string>? TaskArns, string? NextToken);

/// <summary>Timestamps are epoch seconds with a fraction in the JSON 1.1 protocol.</summary>
internal sealed record EcsTask(
    string? TaskArn,
    string? LastStatus,
    string? DesiredStatus,
    string? StartedBy,
    string? StopCode,
    string? StoppedReason,
    double? StartedAt,
    double? StoppedAt,
    IReadOnlyList<TaskContainer>? Containers,
    IReadOnlyList<Tag>? Tags);

internal sealed record TaskContainer(string? Name, string? LastStatus, int? ExitCode, string? Reason);

internal sealed record Failure(string? Arn, string? Reason, string? Detail);

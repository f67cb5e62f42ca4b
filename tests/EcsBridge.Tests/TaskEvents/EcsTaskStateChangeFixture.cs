using System.Globalization;

namespace EventPlatform.EcsBridge.Tests.TaskEvents;

/// <summary>
/// An EventBridge "ECS Task State Change" event for a Fargate task, in the shape the Amazon ECS
/// developer guide shows; each test changes only the fields its case is about.
/// </summary>
internal sealed record EcsTaskStateChangeFixture
{
    public const string DefaultTaskArn = "arn:aws:ecs:us-east-1:111122223333:task/eventplatform/8f0e0cd4b4a34f1c9a2f6c1e5d7b3a90";

    public static readonly Guid DefaultJobId = Guid.Parse("0196f0a2-7c3e-7b1d-9a4e-5f6a7b8c9d0e");

    public static readonly DateTimeOffset CreatedAt = new(2025, 11, 20, 10, 0, 0, 123, TimeSpan.Zero);

    public static readonly DateTimeOffset StartedAt = new(2025, 11, 20, 10, 0, 42, 517, TimeSpan.Zero);

    public static readonly DateTimeOffset StoppedAt = new(2025, 11, 20, 10, 5, 13, 904, TimeSpan.Zero);

    /// <summary>The task as ECS reports it once its container runs.</summary>
    public static EcsTaskStateChangeFixture Running { get; } = new();

    /// <summary>The task once its only, essential container exited with <paramref name="exitCode"/>.</summary>
    public static EcsTaskStateChangeFixture ExitedWith(int exitCode) => Stopped(
        "EssentialContainerExited",
        "Essential container in task exited") with
    {
        ExitCode = exitCode,
    };

    public static EcsTaskStateChangeFixture Stopped(string stopCode, string stoppedReason) => new()
    {
        LastStatus = "STOPPED",
        DesiredStatus = "STOPPED",
        ContainerLastStatus = "STOPPED",
        StopCode = stopCode,
        StoppedReason = stoppedReason,
        Version = 5,
    };

    public string DetailType { get; init; } = "ECS Task State Change";
    public string TaskArn { get; init; } = DefaultTaskArn;
    public string LastStatus { get; init; } = "RUNNING";
    public string DesiredStatus { get; init; } = "RUNNING";
    public string ContainerLastStatus { get; init; } = "RUNNING";
    public int? ExitCode { get; init; }

    /// <summary>The container's <c>reason</c>, which ECS sets when, for one, the kernel killed it over its memory limit.</summary>
    public string? ContainerReason { get; init; }
    public string StartedBy { get; init; } = DefaultJobId.ToString();
    public string? Attempt { get; init; } = "2";
    public string? CorrelationId { get; init; }
    public bool HasStarted { get; init; } = true;
    public string? StopCode { get; init; }
    public string? StoppedReason { get; init; }
    public long Version { get; init; } = 3;

    public DateTimeOffset UpdatedAt => StopCode is null ? (HasStarted ? StartedAt : CreatedAt) : StoppedAt;

    public string ToJson()
    {
        var exitCode = ExitCode is { } code ? $"\"exitCode\": {code}," : string.Empty;
        var containerReason = ContainerReason is null ? string.Empty : Field("reason", ContainerReason);
        var startedAt = HasStarted ? Field("startedAt", Iso(StartedAt)) : string.Empty;
        var attempt = Attempt is null ? string.Empty : $$""", { "name": "EP_ATTEMPT", "value": "{{Attempt}}" }""";
        attempt += CorrelationId is null ? string.Empty : $$""", { "name": "EP_CORRELATION_ID", "value": "{{CorrelationId}}" }""";
        var stopped = StopCode is not null;
        var stopCode = stopped ? Field("stopCode", StopCode) : string.Empty;
        var stoppedAt = stopped ? Field("stoppedAt", Iso(StoppedAt)) : string.Empty;
        var stoppedReason = stopped ? Field("stoppedReason", StoppedReason) : string.Empty;
        var stoppingAt = stopped ? Field("stoppingAt", Iso(StoppedAt.AddSeconds(-2))) : string.Empty;
        return $$"""
            {
              "version": "0",
              "id": "3317b2af-7005-947d-b652-f55e762e571a",
              "detail-type": "{{DetailType}}",
              "source": "aws.ecs",
              "account": "111122223333",
              "time": "{{Iso(UpdatedAt)}}",
              "region": "us-east-1",
              "resources": [
                "{{TaskArn}}"
              ],
              "detail": {
                "attachments": [
                  {
                    "id": "1789bcae-ddfb-4d10-8ebe-8ac87ddba5b8",
                    "type": "eni",
                    "status": "ATTACHED",
                    "details": [
                      { "name": "subnetId", "value": "subnet-abcd1234" },
                      { "name": "networkInterfaceId", "value": "eni-abcd1234" },
                      { "name": "macAddress", "value": "0a:98:eb:a7:29:ba" },
                      { "name": "privateIPv4Address", "value": "10.0.0.139" }
                    ]
                  }
                ],
                "availabilityZone": "us-east-1b",
                "clusterArn": "arn:aws:ecs:us-east-1:111122223333:cluster/eventplatform",
                "containers": [
                  {
                    "containerArn": "arn:aws:ecs:us-east-1:111122223333:container/eventplatform/8f0e0cd4b4a34f1c9a2f6c1e5d7b3a90/2e4f8a9c-1b3d-4e5f-8a7b-9c0d1e2f3a4b",
                    {{exitCode}}
                    {{containerReason}}
                    "lastStatus": "{{ContainerLastStatus}}",
                    "name": "job",
                    "image": "111122223333.dkr.ecr.us-east-1.amazonaws.com/eventplatform-agent:1.0.0",
                    "taskArn": "{{TaskArn}}",
                    "networkInterfaces": [
                      { "attachmentId": "1789bcae-ddfb-4d10-8ebe-8ac87ddba5b8", "privateIpv4Address": "10.0.0.139" }
                    ],
                    "cpu": "0"
                  }
                ],
                "cpu": "256",
                "createdAt": "{{Iso(CreatedAt)}}",
                "desiredStatus": "{{DesiredStatus}}",
                "enableExecuteCommand": false,
                "ephemeralStorage": { "sizeInGiB": 20 },
                "group": "family:eventplatform-job",
                "launchType": "FARGATE",
                "lastStatus": "{{LastStatus}}",
                "memory": "512",
                "overrides": {
                  "containerOverrides": [
                    {
                      "name": "job",
                      "environment": [
                        { "name": "EP_JOB_ID", "value": "{{StartedBy}}" }{{attempt}}
                      ]
                    }
                  ]
                },
                "platformVersion": "1.4.0",
                {{startedAt}}
                "startedBy": "{{StartedBy}}",
                {{stopCode}}
                {{stoppedAt}}
                {{stoppedReason}}
                {{stoppingAt}}
                "taskArn": "{{TaskArn}}",
                "taskDefinitionArn": "arn:aws:ecs:us-east-1:111122223333:task-definition/eventplatform-job:7",
                "updatedAt": "{{Iso(UpdatedAt)}}",
                "version": {{Version}}
              }
            }
            """;
    }

    /// <summary>ECS writes timestamps as UTC with milliseconds: 2025-11-20T10:00:42.517Z.</summary>
    private static string Iso(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Field(string name, string? value) => $"\"{name}\": \"{value}\",";
}

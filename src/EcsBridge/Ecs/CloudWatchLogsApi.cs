using System.Text.Json.Serialization;

namespace EventPlatform.EcsBridge.Ecs;

/// <summary>CloudWatch Logs' FilterLogEvents (JSON 1.1, target <c>Logs_20140328.FilterLogEvents</c>), the fields we use.</summary>
internal sealed record FilterLogEventsRequest(
    string LogGroupName,
    string? LogStreamNamePrefix,
    string FilterPattern,
    string? NextToken);

internal sealed record FilterLogEventsResponse(IReadOnlyList<FilteredLogEvent>? Events, string? NextToken);

internal sealed record FilteredLogEvent(string? LogStreamName, long? Timestamp, string? Message);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FilterLogEventsRequest))]
[JsonSerializable(typeof(FilterLogEventsResponse))]
internal sealed partial class CloudWatchLogsJson : JsonSerializerContext;

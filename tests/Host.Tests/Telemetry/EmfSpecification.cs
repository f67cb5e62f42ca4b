using System.Text.Json;

namespace EventPlatform.Host.Tests.Telemetry;

/// <summary>
/// The rules of CloudWatch's "Specification: Embedded metric format" that a document must keep for
/// CloudWatch Logs to extract its metrics: the problems of one line, none when it keeps them all.
/// </summary>
internal static class EmfSpecification
{
    /// <summary>The units a MetricDefinition may name (CloudWatch's StandardUnit).</summary>
    private static readonly HashSet<string> Units =
    [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits",
        "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
        "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
        "Terabits/Second", "Count/Second", "None",
    ];

    public static IReadOnlyList<string> Problems(string line)
    {
        List<string> problems = [];
        JsonElement root;
        try
        {
            // A LogEvent message must be one JSON object with nothing before or after it.
            root = JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException ex)
        {
            return [$"not JSON: {ex.Message}"];
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("_aws", out var aws) || aws.ValueKind != JsonValueKind.Object)
        {
            return ["no _aws metadata object at the root"];
        }

        foreach (var member in aws.EnumerateObject().Where(m => m.Name is not ("Timestamp" or "CloudWatchMetrics" or "LogGroupName")))
        {
            problems.Add($"_aws has a member the specification does not define: {member.Name}");
        }

        if (!aws.TryGetProperty("Timestamp", out var timestamp) || !timestamp.TryGetInt64(out var milliseconds) || milliseconds <= 0)
        {
            problems.Add("_aws.Timestamp is not a number of milliseconds since the epoch");
        }

        if (!aws.TryGetProperty("CloudWatchMetrics", out var directives) || directives.ValueKind != JsonValueKind.Array)
        {
            problems.Add("_aws.CloudWatchMetrics is not an array");
            return problems;
        }

        foreach (var directive in directives.EnumerateArray())
        {
            if (!directive.TryGetProperty("Namespace", out var ns) || ns.GetString() is not { Length: > 0 and <= 255 } name || string.IsNullOrWhiteSpace(name))
            {
                problems.Add("a MetricDirective's Namespace is missing, empty or longer than 255 characters");
            }

            if (!directive.TryGetProperty("Dimensions", out var sets) || sets.ValueKind != JsonValueKind.Array)
            {
                problems.Add("a MetricDirective's Dimensions is not an array");
            }
            else
            {
                foreach (var set in sets.EnumerateArray())
                {
                    if (set.GetArrayLength() > 30)
                    {
                        problems.Add("a DimensionSet has more than 30 dimensions");
                    }

                    foreach (var dimension in set.EnumerateArray().Select(d => d.GetString()!))
                    {
                        if (!root.TryGetProperty(dimension, out var value) || value.ValueKind != JsonValueKind.String || value.GetString()!.Length > 1024)
                        {
                            problems.Add($"dimension {dimension} has no string value (of at most 1024 characters) at the root");
                        }
                    }
                }
            }

            if (!directive.TryGetProperty("Metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Array || metrics.GetArrayLength() > 100)
            {
                problems.Add("a MetricDirective's Metrics is not an array of at most 100 definitions");
                continue;
            }

            foreach (var metric in metrics.EnumerateArray())
            {
                var metricName = metric.TryGetProperty("Name", out var n) ? n.GetString() : null;
                if (metricName is not { Length: > 0 and <= 1024 })
                {
                    problems.Add("a MetricDefinition has no Name of 1 to 1024 characters");
                    continue;
                }

                if (metric.TryGetProperty("Unit", out var unit) && !Units.Contains(unit.GetString()!))
                {
                    problems.Add($"{metricName}: Unit {unit} is not one of CloudWatch's units");
                }

                if (!root.TryGetProperty(metricName, out var target)
                    || !(target.ValueKind == JsonValueKind.Number
                        || (target.ValueKind == JsonValueKind.Array && target.GetArrayLength() <= 100 && target.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number))))
                {
                    problems.Add($"{metricName}: no number (or array of at most 100 numbers) at the root");
                }
            }
        }

        return problems;
    }
}

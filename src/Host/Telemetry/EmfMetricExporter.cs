using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace EventPlatform.Host.Telemetry;

/// <summary>
/// Writes the platform's own metrics as CloudWatch Embedded Metric Format documents, one JSON line
/// each, to stdout: on ECS the awslogs driver ships the line to CloudWatch Logs, which turns it into
/// metrics with no agent and no CloudWatch API call (no SDK package for it exists here). Points that
/// share their labels share a line; the labels become dimensions beside <c>Service</c>. Counters are
/// exported as deltas per interval; a histogram becomes its count, sum and maximum (percentiles are
/// Prometheus's, which has the buckets). Library meters are left out: each CloudWatch metric costs.
/// See docs/observability.md.
/// </summary>
internal sealed class EmfMetricExporter(string metricNamespace, string service, TextWriter output) : BaseExporter<Metric>
{
    public const string ServiceDimension = "Service";

    /// <summary>The EMF limits: metrics per directive, dimensions per set.</summary>
    private const int MaxMetricsPerDocument = 100;
    private const int MaxDimensions = 30;

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var documents = new Dictionary<string, Document>(StringComparer.Ordinal);
        foreach (var metric in batch)
        {
            if (!metric.MeterName.StartsWith("EventPlatform.", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var labels = Labels(point);
                var key = string.Join('\n', labels.Select(l => $"{l.Key}={l.Value}"));
                if (!documents.TryGetValue(key, out var document))
                {
                    documents[key] = document = new Document(labels, point.EndTime);
                }

                Add(document, metric, point);
            }
        }

        foreach (var document in documents.Values)
        {
            foreach (var chunk in document.Values.Chunk(MaxMetricsPerDocument))
            {
                output.WriteLine(Write(document, chunk));
            }
        }

        output.Flush();
        return ExportResult.Success;
    }

    private static List<KeyValuePair<string, string>> Labels(in MetricPoint point)
    {
        var labels = new List<KeyValuePair<string, string>>();
        foreach (var tag in point.Tags)
        {
            labels.Add(new(tag.Key, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty));
        }

        return [.. labels.OrderBy(l => l.Key, StringComparer.Ordinal).Take(MaxDimensions - 1)];
    }

    private static void Add(Document document, Metric metric, in MetricPoint point)
    {
        var unit = CloudWatchUnit(metric.Unit);
        switch (metric.MetricType)
        {
            case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                document.Values.Add(new(metric.Name, unit, point.GetSumLong()));
                break;
            case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                document.Values.Add(new(metric.Name, unit, point.GetSumDouble()));
                break;
            case MetricType.LongGauge:
                document.Values.Add(new(metric.Name, unit, point.GetGaugeLastValueLong()));
                break;
            case MetricType.DoubleGauge:
                document.Values.Add(new(metric.Name, unit, point.GetGaugeLastValueDouble()));
                break;
            case MetricType.Histogram:
                document.Values.Add(new($"{metric.Name}.count", "Count", point.GetHistogramCount()));
                document.Values.Add(new($"{metric.Name}.sum", unit, point.GetHistogramSum()));
                if (point.TryGetHistogramMinMaxValues(out _, out var max))
                {
                    document.Values.Add(new($"{metric.Name}.max", unit, max));
                }

                break;
        }
    }

    /// <summary>CloudWatch's unit names for the UCUM units the instruments declare; an annotation such as {job} is a count.</summary>
    internal static string CloudWatchUnit(string? unit) => unit switch
    {
        "s" => "Seconds",
        "ms" => "Milliseconds",
        "us" => "Microseconds",
        "By" => "Bytes",
        "%" => "Percent",
        ['{', .., '}'] => "Count",
        "1" => "None",
        _ => "None",
    };

    private string Write(Document document, IEnumerable<Value> values)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            var chosen = values.ToList();
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", document.Time.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", metricNamespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue(ServiceDimension);
            foreach (var label in document.Labels)
            {
                json.WriteStringValue(label.Key);
            }

            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var value in chosen)
            {
                json.WriteStartObject();
                json.WriteString("Name", value.Name);
                json.WriteString("Unit", value.Unit);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString(ServiceDimension, service);
            foreach (var label in document.Labels)
            {
                json.WriteString(label.Key, label.Value);
            }

            foreach (var value in chosen)
            {
                json.WriteNumber(value.Name, value.Number);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private sealed record Document(IReadOnlyList<KeyValuePair<string, string>> Labels, DateTimeOffset Time)
    {
        public List<Value> Values { get; } = [];
    }

    private sealed record Value(string Name, string Unit, double Number);
}

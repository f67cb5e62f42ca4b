using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EventPlatform.Api.Tests.Telemetry;

/// <summary>Every measurement the platform's meters of one host make while this listens; another host's are not seen.</summary>
internal sealed class RecordedMetrics : IDisposable
{
    private readonly ConcurrentQueue<Recorded> recorded = new();
    private readonly MeterListener listener;

    public RecordedMetrics(IMeterFactory hostMeters)
    {
        listener = new MeterListener
        {
            InstrumentPublished = (instrument, self) =>
            {
                if (instrument.Meter.Scope == hostMeters && instrument.Meter.Name.StartsWith("EventPlatform.", StringComparison.Ordinal))
                {
                    self.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();
    }

    /// <summary>The sum of a counter's measurements whose labels include <paramref name="labels"/>.</summary>
    public double Sum(string instrument, params (string Key, string Value)[] labels) => Matching(instrument, labels).Sum(r => r.Value);

    /// <summary>How many values a histogram recorded with <paramref name="labels"/>.</summary>
    public int Count(string instrument, params (string Key, string Value)[] labels) => Matching(instrument, labels).Count();

    public IReadOnlyList<double> Values(string instrument, params (string Key, string Value)[] labels) => [.. Matching(instrument, labels).Select(r => r.Value)];

    /// <summary>What each gauge reads now.</summary>
    public double Gauge(string instrument, params (string Key, string Value)[] labels)
    {
        recorded.Clear();
        listener.RecordObservableInstruments();
        return Matching(instrument, labels).Sum(r => r.Value);
    }

    public void Dispose() => listener.Dispose();

    private IEnumerable<Recorded> Matching(string instrument, (string Key, string Value)[] labels) =>
        recorded.Where(r => r.Instrument == instrument && labels.All(label => r.Labels.TryGetValue(label.Key, out var value) && value == label.Value));

    private void Add<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var labels = new Dictionary<string, string>();
        foreach (var tag in tags)
        {
            labels[tag.Key] = tag.Value?.ToString() ?? string.Empty;
        }

        recorded.Enqueue(new Recorded(instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), labels));
    }

    private sealed record Recorded(string Instrument, double Value, Dictionary<string, string> Labels);
}

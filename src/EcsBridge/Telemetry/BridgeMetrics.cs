using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EventPlatform.EcsBridge.Telemetry;

/// <summary>Launches, task events and reconciliation answers, as the bridge sees them.</summary>
public sealed class BridgeMetrics
{
    public const string MeterName = "EventPlatform.EcsBridge";

    /// <summary>The bridge's spans: a task's state change continues the job's trace (its task carries it).</summary>
    public const string SourceName = "EventPlatform.EcsBridge";

    private static readonly ActivitySource Source = new(SourceName);

    private readonly Counter<long> launches;
    private readonly Counter<long> launchFailures;
    private readonly Counter<long> received;
    private readonly Counter<long> dropped;
    private readonly Counter<long> findings;

    public BridgeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        launches = meter.CreateCounter<long>("eventplatform.task.launches", "{task}", "Tasks the launcher started, by launcher.");
        launchFailures = meter.CreateCounter<long>("eventplatform.task.launch_failures", "{task}", "Launches the launcher refused, by launcher and reason (transient or refused).");
        received = meter.CreateCounter<long>("eventplatform.task_events.received", "{event}", "Task state changes that reached the intake, by the task's last status.");
        dropped = meter.CreateCounter<long>("eventplatform.task_events.dropped", "{event}", "Task state changes not passed on, by why (duplicate, stale, foreign).");
        findings = meter.CreateCounter<long>("eventplatform.reconciliation.findings", "{answer}", "What the launcher answered when asked about a task, by finding.");
    }

    /// <summary>A span in the trace <paramref name="traceParent"/> names; null when there is none or nobody listens.</summary>
    public static Activity? Trace(string? traceParent, string what) =>
        ActivityContext.TryParse(traceParent, traceState: null, out var parent) ? Source.StartActivity(what, ActivityKind.Consumer, parent) : null;

    /// <summary>A label value for <paramref name="launcher"/>: its type's name without "TaskLauncher" (ecs, local, instant).</summary>
    public static string LauncherName(ITaskLauncher launcher)
    {
        var name = launcher.GetType().Name;
        return (name.EndsWith("TaskLauncher", StringComparison.Ordinal) ? name[..^"TaskLauncher".Length] : name).ToLowerInvariant();
    }

    internal void Launched(string launcher) => launches.Add(1, new KeyValuePair<string, object?>("launcher", launcher));

    internal void LaunchFailed(string launcher, bool retryable) => launchFailures.Add(
        1,
        new KeyValuePair<string, object?>("launcher", launcher),
        new KeyValuePair<string, object?>("reason", retryable ? "transient" : "refused"));

    internal void Received(string lastStatus) => received.Add(1, new KeyValuePair<string, object?>("last_status", lastStatus));

    internal void Dropped(string why) => dropped.Add(1, new KeyValuePair<string, object?>("why", why));

    internal void Found(string finding) => findings.Add(1, new KeyValuePair<string, object?>("finding", finding));
}

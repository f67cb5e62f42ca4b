using System.Diagnostics;

namespace EventPlatform.Sagas.Telemetry;

/// <summary>
/// One trace per job. Work the platform does later on a job's behalf (an admission, a timer, a
/// reconciliation) starts no trace of its own: it resumes the job's, from the traceparent its saga keeps.
/// </summary>
public static class JobTrace
{
    public const string SourceName = "EventPlatform.Sagas";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// The traceparent to keep after a transition that ran in <paramref name="current"/>: that span when it
    /// belongs to the job's trace (or the job has none yet), else the one kept. A cancel sent in a request of
    /// its own runs in that request's trace, and must not take the job's later work with it.
    /// </summary>
    public static string? Follow(string? kept, Activity? current)
    {
        if (current?.Id is not { } id || current.IdFormat != ActivityIdFormat.W3C)
        {
            return kept;
        }

        return !ActivityContext.TryParse(kept, traceState: null, out var job) || job.TraceId == current.TraceId ? id : kept;
    }

    /// <summary>A span in the job's trace for <paramref name="what"/>; null when nobody listens or the job has no trace.</summary>
    public static Activity? Resume(string? traceParent, string what, ActivityKind kind = ActivityKind.Internal) =>
        ActivityContext.TryParse(traceParent, traceState: null, out var parent)
            ? Source.StartActivity(what, kind, parent)
            : null;
}

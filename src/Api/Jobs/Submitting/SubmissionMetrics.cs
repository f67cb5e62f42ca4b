using System.Diagnostics.Metrics;
using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Api.Jobs.Submitting;

/// <summary>What happened to each <c>POST /jobs</c>: a new job, or the reason it was refused.</summary>
public sealed class SubmissionMetrics
{
    public const string MeterName = "EventPlatform.Api";

    /// <summary>The endpoint whose refusals are counted.</summary>
    internal const string EndpointName = "SubmitJob";

    private readonly Counter<long> submitted;
    private readonly Counter<long> refused;

    public SubmissionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        submitted = meter.CreateCounter<long>("eventplatform.jobs.submitted", "{job}", "New jobs stored and queued, by priority (an idempotent repeat is not a new job).");
        refused = meter.CreateCounter<long>("eventplatform.submissions.refused", "{submission}", "Submissions refused, by reason.");
    }

    internal void Submitted(JobPriority priority) =>
        submitted.Add(1, new KeyValuePair<string, object?>("priority", priority.ToString().ToLowerInvariant()));

    internal void Refused(string reason) => refused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>The <c>reason</c> label's values.</summary>
    internal static class Reasons
    {
        public const string Invalid = "invalid";
        public const string Unauthorized = "unauthorized";
        public const string RateLimited = "rate_limited";
        public const string QueueFull = "queue_full";
        public const string IdempotencyConflict = "idempotency_conflict";
    }
}

using System.Diagnostics.Metrics;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Sagas.Jobs;
using EventPlatform.Sagas.Persistence;

namespace EventPlatform.Sagas.Telemetry;

/// <summary>
/// The job lifecycle's counters and durations, recorded from what a transition committed (never
/// before: a transition replayed after a lost race would count twice) and from the saga's own
/// fields, so recording costs no database round trip.
/// </summary>
public sealed class LifecycleMetrics : ISagaCommitObserver<JobState>
{
    public const string MeterName = "EventPlatform.Sagas";

    private readonly Counter<long> finished;
    private readonly Counter<long> retries;
    private readonly Histogram<double> queueWait;
    private readonly Histogram<double> startLatency;
    private readonly Histogram<double> runTime;
    private readonly Histogram<double> endToEnd;
    private readonly Histogram<double> timerLateness;

    public LifecycleMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        finished = meter.CreateCounter<long>("eventplatform.jobs.finished", "{job}", "Jobs that ended, by outcome.");
        retries = meter.CreateCounter<long>("eventplatform.jobs.retries", "{retry}", "Attempts that failed and were scheduled to run again, by reason.");
        queueWait = meter.CreateHistogram("eventplatform.job.queue_wait", "s", "From submission to the first attempt's launch request.", advice: Buckets);
        startLatency = meter.CreateHistogram("eventplatform.job.start_latency", "s", "From an attempt's launch request to its task running.", advice: Buckets);
        runTime = meter.CreateHistogram("eventplatform.job.run_time", "s", "From an attempt's task running to its end, by how the attempt ended.", advice: Buckets);
        endToEnd = meter.CreateHistogram("eventplatform.job.end_to_end", "s", "From submission to the job's end, by outcome.", advice: Buckets);
        timerLateness = meter.CreateHistogram("eventplatform.timers.lateness", "s", "How long after its due time a durable timer was published.", advice: Buckets);
    }

    /// <summary>Seconds from a tenth of a second to a day: job durations span that range.</summary>
    private static InstrumentAdvice<double> Buckets { get; } = new()
    {
        HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400],
    };

    /// <summary>What the transition that <paramref name="job"/> just committed means; its fields are the state after it.</summary>
    public void Committed(JobState job, IReadOnlyList<object> events)
    {
        foreach (var committed in events)
        {
            switch (committed)
            {
                case JobLaunchRequested launch when launch.Attempt == 1:
                    queueWait.Record(Seconds(job.QueuedAt, launch.RequestedAt));
                    break;
                case JobStarted started when job.LaunchRequestedAt is { } requested:
                    startLatency.Record(Seconds(requested, started.StartedAt));
                    break;
                case JobRetryScheduled retry:
                    retries.Add(1, new KeyValuePair<string, object?>("reason", job.LastFailureCause ?? FailureCauses.None));
                    RecordRun(job, Outcomes.Retried, job.LastFailureAt ?? retry.ScheduledAt);
                    break;
                case JobSucceeded succeeded:
                    Finish(job, Outcomes.Succeeded, succeeded.FinishedAt);
                    break;
                case JobFailed failed:
                    Finish(job, Outcomes.Failed, failed.FinishedAt);
                    break;
                case JobTimedOut timedOut:
                    Finish(job, Outcomes.TimedOut, timedOut.FinishedAt);
                    break;
                case JobCancelled cancelled:
                    Finish(job, Outcomes.Cancelled, cancelled.FinishedAt);
                    break;
            }
        }
    }

    public void TimerFired(double secondsLate) => timerLateness.Record(Math.Max(0, secondsLate));

    private void Finish(JobState job, string outcome, DateTimeOffset at)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        finished.Add(1, tag);
        endToEnd.Record(Seconds(job.QueuedAt, at), tag);
        RecordRun(job, outcome, at);
    }

    private void RecordRun(JobState job, string outcome, DateTimeOffset at)
    {
        if (job.StartedAt is { } started)
        {
            runTime.Record(Seconds(started, at), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private static double Seconds(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (to - from).TotalSeconds);

    /// <summary>The <c>outcome</c> label's values.</summary>
    public static class Outcomes
    {
        public const string Succeeded = "succeeded";
        public const string Failed = "failed";
        public const string TimedOut = "timed_out";
        public const string Cancelled = "cancelled";
        public const string Retried = "retried";
    }
}

using System.Collections.Frozen;
using System.Reflection;
using EventPlatform.Contracts.Jobs;
using Marten.Events.Aggregation;

namespace EventPlatform.Projections.JobStatus;

/// <summary>Inline, so a job is readable the moment the transaction that changed it commits.</summary>
public sealed class JobStatusProjection : SingleStreamProjection<JobStatusView, Guid>
{
    /// <summary>Each <c>Apply</c> method by the event it takes: found, not listed, so a new one replays too.</summary>
    private static readonly FrozenDictionary<Type, Func<object, JobStatusView, JobStatusView>> Appliers =
        typeof(JobStatusProjection).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(method => method.Name == nameof(Apply))
            .ToFrozenDictionary(
                method => method.GetParameters()[0].ParameterType,
                method => (Func<object, JobStatusView, JobStatusView>)typeof(JobStatusProjection)
                    .GetMethod(nameof(Applier), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(method.GetParameters()[0].ParameterType)
                    .Invoke(null, [method])!);

    public const string ProjectionName = "JobStatus";

    public JobStatusProjection() => Name = ProjectionName;

    /// <summary>
    /// The same methods Marten calls, for one event at a time: rebuild, audit and the figures
    /// projections fold streams with this, so every reader agrees with the stored row.
    /// </summary>
    public static JobStatusView? Replay(JobStatusView? view, object data) => (view, data) switch
    {
        (null, JobSubmitted e) => Create(e),
        (null, _) => null,
        _ => Appliers.TryGetValue(data.GetType(), out var apply) ? apply(data, view) : view,
    };

    private static Func<object, JobStatusView, JobStatusView> Applier<TEvent>(MethodInfo apply)
    {
        var typed = apply.CreateDelegate<Func<TEvent, JobStatusView, JobStatusView>>();
        return (data, view) => typed((TEvent)data, view);
    }

    public static JobStatusView Create(JobSubmitted e) => new()
    {
        Id = e.JobId,
        UserId = e.UserId,
        Spec = e.Spec,
        State = JobPhase.Queued,
        CreatedAt = e.SubmittedAt,
        TraceId = e.TraceId,
        RerunOf = e.RerunOf,
    };

    public static JobStatusView Apply(JobQueued e, JobStatusView view) =>
        view with { State = JobPhase.Queued, Attempt = e.Attempt, RetryAt = null };

    /// <summary>Back in line: the failure that caused the retry stays visible as the job's error until it ends.</summary>
    public static JobStatusView Apply(JobRetryScheduled e, JobStatusView view) =>
        view with { State = JobPhase.Queued, Error = e.Reason, RetryAt = e.RetryAt };

    public static JobStatusView Apply(JobLaunchRequested e, JobStatusView view) =>
        view with { State = JobPhase.Starting, Attempt = e.Attempt };

    public static JobStatusView Apply(JobStarted e, JobStatusView view) =>
        view with { State = JobPhase.Running, Attempt = e.Attempt, StartedAt = NotBefore(e.StartedAt, view.CreatedAt) };

    public static JobStatusView Apply(JobSucceeded e, JobStatusView view) =>
        view with { State = JobPhase.Succeeded, ExitCode = e.ExitCode, Error = null, FinishedAt = Finished(e.FinishedAt, view) };

    public static JobStatusView Apply(JobFailed e, JobStatusView view) =>
        view with { State = JobPhase.Failed, ExitCode = e.ExitCode, Error = e.Reason, FinishedAt = Finished(e.FinishedAt, view) };

    public static JobStatusView Apply(JobTimedOut e, JobStatusView view) => view with
    {
        State = JobPhase.TimedOut,
        Error = $"Job exceeded its timeout of {e.TimeoutSeconds} s.",
        FinishedAt = Finished(e.FinishedAt, view),
    };

    public static JobStatusView Apply(JobCancelRequested e, JobStatusView view) =>
        view with { CancelRequestedAt = e.RequestedAt };

    public static JobStatusView Apply(JobCancelled e, JobStatusView view) =>
        view with { State = JobPhase.Cancelled, Error = null, RetryAt = null, FinishedAt = Finished(e.FinishedAt, view) };

    /// <summary>A job's times never run backwards, whatever clock an event carries (streams written before the saga kept them in order too).</summary>
    private static DateTimeOffset NotBefore(DateTimeOffset time, DateTimeOffset earliest) => time < earliest ? earliest : time;

    private static DateTimeOffset Finished(DateTimeOffset time, JobStatusView view) => NotBefore(time, view.StartedAt ?? view.CreatedAt);
}

using System.Text.Json.Serialization;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Sagas.Admission;
using EventPlatform.Sagas.Persistence;
using EventPlatform.Sagas.Scheduling;
using Marten;
using MassTransit;

namespace EventPlatform.Sagas.Jobs;

/// <summary>
/// The lifecycle saga's state for one job (correlation id = job id). Domain events and timers the
/// current transition produced wait here until the saga repository commits them with this state.
/// </summary>
public sealed class JobState : SagaStateMachineInstance, IEventSourcedSaga
{
    private readonly List<object> uncommittedEvents = [];

    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = string.Empty;

    public string? EventCorrelationId { get; set; }

    /// <summary>The job's correlation id (<see cref="EventCorrelationId"/>) as the bus carries it: the conversation its submission started.</summary>
    public static Guid? ConversationOf(string? eventCorrelationId) => Guid.TryParse(eventCorrelationId, out var id) ? id : null;

    public string? TraceParent { get; set; }

    public string UserId { get; set; } = string.Empty;

    public JobSpec? Spec { get; set; }

    public int Attempt { get; set; }

    public string? TaskId { get; set; }

    /// <summary>Why the latest attempt failed; the job's error if no attempt is left.</summary>
    public string? LastFailure { get; set; }

    /// <summary>Why the latest attempt failed, as a word of <see cref="FailureCauses"/>.</summary>
    public string? LastFailureCause { get; set; }

    public int? LastExitCode { get; set; }

    /// <summary>When the latest failure happened: the task's own stop time where there is one.</summary>
    public DateTimeOffset? LastFailureAt { get; set; }

    /// <summary>A cancel that arrived before the submission; applied as soon as the submission does.</summary>
    public CancelJob? PendingCancel { get; set; }

    public Guid? StartDeadlineToken { get; set; }

    /// <summary>
    /// The current attempt did not start in time or its launch failed, and the launcher was asked what
    /// became of it: its answer (or a second deadline) decides, so an attempt that did run is never
    /// launched again beside it.
    /// </summary>
    public bool AskedLauncher { get; set; }

    public Guid? RunDeadlineToken { get; set; }

    public Guid? StopDeadlineToken { get; set; }

    public Guid? RetryToken { get; set; }

    /// <summary>When the current attempt's launch was requested, by the saga's own clock.</summary>
    public DateTimeOffset? LaunchRequestedAt { get; set; }

    /// <summary>When the current attempt's task started, as its launcher said (no earlier than its launch request).</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the job first joined the line; a retried attempt keeps its place by it.</summary>
    public DateTimeOffset QueuedAt { get; set; }

    /// <summary>What this transition does to the job's place in line or its slot (the last call wins).</summary>
    [JsonIgnore]
    public AdmissionChange Admission { get; private set; }

    [JsonIgnore]
    public IReadOnlyList<object> UncommittedEvents => uncommittedEvents;

    [JsonIgnore]
    public ScheduleChanges Timers { get; } = new();

    public void Record(object domainEvent) => uncommittedEvents.Add(domainEvent);

    /// <summary>
    /// A time a launcher reported (a clock the platform does not own, or an event long delayed), kept
    /// within what the saga knows: no task starts before its launch was requested, nor stops before it
    /// started. A start that came days "early" would otherwise make the run deadline due at once.
    /// </summary>
    public DateTimeOffset NoEarlierThanKnown(DateTimeOffset reported)
    {
        var known = StartedAt ?? LaunchRequestedAt ?? QueuedAt;
        return reported < known ? known : reported;
    }

    /// <summary>Cancels every timer the job holds: it has ended, or moves to a state that sets its own.</summary>
    public void CancelTimers()
    {
        Timers.Cancel(StartDeadlineToken);
        Timers.Cancel(RunDeadlineToken);
        Timers.Cancel(StopDeadlineToken);
        Timers.Cancel(RetryToken);
        StartDeadlineToken = RunDeadlineToken = StopDeadlineToken = RetryToken = null;
    }

    public void JoinLine() => Admission = AdmissionChange.Enqueue;

    public void TakeUpAdmission() => Admission = AdmissionChange.Acknowledge;

    /// <summary>Leaves the line and frees the slot, whichever the job holds.</summary>
    public void LeaveAdmission() => Admission = AdmissionChange.Release;

    public void StageWrites(IDocumentSession session)
    {
        switch (Admission)
        {
            case AdmissionChange.Enqueue:
                session.QueueEnqueue(CorrelationId, UserId, Spec!.Priority, Attempt, QueuedAt);
                break;
            case AdmissionChange.Acknowledge:
                session.QueueAcknowledge(CorrelationId);
                break;
            case AdmissionChange.Release:
                session.QueueRelease(CorrelationId);
                break;
        }
    }

    public void MarkCommitted()
    {
        uncommittedEvents.Clear();
        Timers.Clear();
        Admission = AdmissionChange.None;
    }
}

using System.Text.Json.Serialization;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Sagas.Persistence;
using MassTransit;

namespace EventPlatform.Sagas.Jobs;

/// <summary>
/// The lifecycle saga's state for one job (correlation id = job id). Domain events the current
/// transition produced wait in <see cref="UncommittedEvents"/> until the saga repository appends
/// them to the job's stream in the transaction that saves this state.
/// </summary>
public sealed class JobState : SagaStateMachineInstance, IEventSourcedSaga
{
    private readonly List<object> uncommittedEvents = [];

    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = string.Empty;

    public string? EventCorrelationId { get; set; }

    public string UserId { get; set; } = string.Empty;

    public JobSpec? Spec { get; set; }

    public int Attempt { get; set; }

    public string? TaskId { get; set; }

    public Guid? RunDeadlineTokenId { get; set; }

    [JsonIgnore]
    public IReadOnlyList<object> UncommittedEvents => uncommittedEvents;

    public void Record(object domainEvent) => uncommittedEvents.Add(domainEvent);

    public void ClearUncommittedEvents() => uncommittedEvents.Clear();
}

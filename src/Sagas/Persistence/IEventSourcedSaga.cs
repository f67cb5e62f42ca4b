using EventPlatform.Sagas.Scheduling;
using Marten;
using MassTransit;

namespace EventPlatform.Sagas.Persistence;

/// <summary>
/// A saga whose transitions produce domain events for the stream named by its correlation id,
/// and durable timers; both are committed with the saga's state.
/// </summary>
public interface IEventSourcedSaga : ISaga
{
    IReadOnlyList<object> UncommittedEvents { get; }

    ScheduleChanges Timers { get; }

    /// <summary>Stamped on every event the saga appends, so one id ties together a job's whole story.</summary>
    string? EventCorrelationId { get; }

    /// <summary>The job's trace (W3C traceparent of its latest transition in that trace), for work done later on its behalf.</summary>
    string? TraceParent { get; set; }

    /// <summary>Adds the saga's own row changes (beyond its document, events and timers) to the session.</summary>
    void StageWrites(IDocumentSession session);

    /// <summary>Forgets the events and timer changes once they are committed.</summary>
    void MarkCommitted();
}

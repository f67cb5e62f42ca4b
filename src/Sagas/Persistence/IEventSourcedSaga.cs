using MassTransit;

namespace EventPlatform.Sagas.Persistence;

/// <summary>A saga whose transitions produce domain events for the stream named by its correlation id.</summary>
public interface IEventSourcedSaga : ISaga
{
    IReadOnlyList<object> UncommittedEvents { get; }

    /// <summary>Stamped on every event the saga appends, so one id ties together a job's whole story.</summary>
    string? EventCorrelationId { get; }

    void ClearUncommittedEvents();
}

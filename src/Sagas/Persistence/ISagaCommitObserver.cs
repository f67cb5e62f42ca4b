namespace EventPlatform.Sagas.Persistence;

/// <summary>Told of each transition once it committed, with the events it appended: what happened, never what a lost race undid.</summary>
public interface ISagaCommitObserver<in TSaga>
    where TSaga : class, IEventSourcedSaga
{
    void Committed(TSaga saga, IReadOnlyList<object> events);
}

using Marten;
using MassTransit;
using MassTransit.Saga;

namespace EventPlatform.Sagas.Persistence;

/// <summary>
/// Gives each consumed message its own Marten session, so the saga's state, the events its
/// transition recorded and every inline projection of those events commit in one transaction.
/// </summary>
internal sealed class MartenSagaRepositoryContextFactory<TSaga>(
    IDocumentStore store,
    ISagaConsumeContextFactory<IDocumentSession, TSaga> consumeContextFactory,
    IEnumerable<ISagaCommitObserver<TSaga>> observers) :
    ISagaRepositoryContextFactory<TSaga>,
    IQuerySagaRepositoryContextFactory<TSaga>,
    ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, IEventSourcedSaga
{
    private readonly ISagaCommitObserver<TSaga>[] commitObservers = [.. observers];

    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        await using var session = store.LightweightSession();
        await next.Send(new MartenSagaRepositoryContext<TSaga, T>(session, context, consumeContextFactory, commitObservers)).ConfigureAwait(false);
    }

    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        await using var session = store.LightweightSession();
        var repositoryContext = new MartenSagaRepositoryContext<TSaga, T>(session, context, consumeContextFactory, commitObservers);
        var instances = await session.Query<TSaga>().Where(query.FilterExpression).ToListAsync(context.CancellationToken).ConfigureAwait(false);
        await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, instances)).ConfigureAwait(false);
    }

    public async Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class
    {
        await using var session = store.QuerySession();
        return await asyncMethod(new MartenSagaQueryContext<TSaga>(session, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class
    {
        await using var session = store.QuerySession();
        return await asyncMethod(new MartenSagaQueryContext<TSaga>(session, cancellationToken)).ConfigureAwait(false);
    }

    public void Probe(ProbeContext context) => context.Add("persistence", "marten-event-sourced");
}

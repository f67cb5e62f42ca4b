using Marten;
using MassTransit;
using MassTransit.Middleware;
using MassTransit.Saga;

namespace EventPlatform.Sagas.Persistence;

internal sealed class MartenSagaQueryContext<TSaga>(IQuerySession session, CancellationToken cancellationToken) :
    BasePipeContext(cancellationToken),
    QuerySagaRepositoryContext<TSaga>,
    LoadSagaRepositoryContext<TSaga>
    where TSaga : class, ISaga
{
    public Task<TSaga> Load(Guid correlationId) => session.LoadAsync<TSaga>(correlationId, CancellationToken)!;

    public async Task<SagaRepositoryQueryContext<TSaga>> Query(ISagaQuery<TSaga> query, CancellationToken cancellationToken = default)
    {
        var instances = await session.Query<TSaga>().Where(query.FilterExpression).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new LoadedSagaRepositoryQueryContext<TSaga>(this, instances);
    }
}

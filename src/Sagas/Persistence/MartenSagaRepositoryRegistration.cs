using Marten;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;

namespace EventPlatform.Sagas.Persistence;

public static class MartenSagaRepositoryRegistration
{
    /// <summary>
    /// Persists the saga as a Marten document with optimistic concurrency and appends the events
    /// each transition records to the stream of the saga's correlation id, in the same commit.
    /// </summary>
    public static ISagaRegistrationConfigurator<TSaga> EventSourcedMartenRepository<TSaga>(this ISagaRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, IEventSourcedSaga
    {
        configurator.Repository(services =>
        {
            services.ConfigureMarten(options => options.MapEventSourcedSaga<TSaga>());
            services.RegisterLoadSagaRepository<TSaga, MartenSagaRepositoryContextFactory<TSaga>>();
            services.RegisterQuerySagaRepository<TSaga, MartenSagaRepositoryContextFactory<TSaga>>();
            services.RegisterSagaRepository<TSaga, IDocumentSession, SagaConsumeContextFactory<IDocumentSession, TSaga>, MartenSagaRepositoryContextFactory<TSaga>>();
        });
        return configurator;
    }

    /// <summary>The saga document's mapping: keyed by correlation id, every update checked against the version loaded.</summary>
    public static StoreOptions MapEventSourcedSaga<TSaga>(this StoreOptions options)
        where TSaga : class, IEventSourcedSaga
    {
        options.Schema.For<TSaga>().Identity(x => x.CorrelationId).UseOptimisticConcurrency(true);
        return options;
    }
}

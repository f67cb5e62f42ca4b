using EventPlatform.Sagas.Scheduling;
using EventPlatform.Sagas.Telemetry;
using Marten;
using Marten.Exceptions;
using MassTransit;
using MassTransit.Context;
using MassTransit.Logging;
using MassTransit.Saga;

namespace EventPlatform.Sagas.Persistence;

/// <summary>
/// Saves a saga, appends the domain events its transition recorded and writes the timers it set or
/// cancelled, all in one SaveChanges.
/// Marten's optimistic concurrency on the saga document turns a lost race into a
/// <see cref="JasperFx.ConcurrencyException"/>, which the endpoint's retry answers by replaying the message
/// against the fresh state.
/// </summary>
internal sealed class MartenSagaRepositoryContext<TSaga, TMessage> :
    ConsumeContextScope<TMessage>,
    SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, IEventSourcedSaga
    where TMessage : class
{
    private readonly IDocumentSession session;
    private readonly ConsumeContext<TMessage> consumeContext;
    private readonly ISagaConsumeContextFactory<IDocumentSession, TSaga> factory;
    private readonly IReadOnlyList<ISagaCommitObserver<TSaga>> observers;

    public MartenSagaRepositoryContext(
        IDocumentSession session,
        ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<IDocumentSession, TSaga> factory,
        IReadOnlyList<ISagaCommitObserver<TSaga>> observers)
        : base(consumeContext)
    {
        this.session = session;
        this.consumeContext = consumeContext;
        this.factory = factory;
        this.observers = observers;
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> context, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        factory.CreateSagaConsumeContext(session, context, instance, mode);

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        factory.CreateSagaConsumeContext(session, consumeContext, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        try
        {
            session.Insert(instance);
            await session.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
            this.LogInsert<TSaga, TMessage>(instance.CorrelationId);
            return await factory.CreateSagaConsumeContext(session, consumeContext, instance, SagaConsumeContextMode.Insert).ConfigureAwait(false);
        }
        catch (MartenException ex)
        {
            // Another consumer created it first: MassTransit falls back to Load when Insert yields nothing.
            session.Eject(instance);
            this.LogInsertFault<TSaga, TMessage>(ex, instance.CorrelationId);
            return null!;
        }
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await session.LoadAsync<TSaga>(correlationId, CancellationToken).ConfigureAwait(false);
        return instance is null
            ? null!
            : await factory.CreateSagaConsumeContext(session, consumeContext, instance, SagaConsumeContextMode.Load).ConfigureAwait(false);
    }

    public Task Save(SagaConsumeContext<TSaga> context)
    {
        session.Insert(context.Saga);
        return CommitAsync(context.Saga);
    }

    public Task Update(SagaConsumeContext<TSaga> context)
    {
        session.Store(context.Saga);
        return CommitAsync(context.Saga);
    }

    public Task Delete(SagaConsumeContext<TSaga> context)
    {
        session.Delete(context.Saga);
        return CommitAsync(context.Saga);
    }

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context)
    {
        session.Eject(context.Saga);
        return Task.CompletedTask;
    }

    private async Task CommitAsync(TSaga saga)
    {
        saga.TraceParent = JobTrace.Follow(saga.TraceParent, System.Diagnostics.Activity.Current);
        if (saga.UncommittedEvents.Count > 0)
        {
            session.CorrelationId = saga.EventCorrelationId;
            session.CausationId = consumeContext.MessageId?.ToString("N");
            session.Events.Append(saga.CorrelationId, saga.UncommittedEvents);
        }

        foreach (var token in saga.Timers.Cancelled)
        {
            session.QueueUnschedule(token);
        }

        foreach (var timer in saga.Timers.Added)
        {
            session.QueueSchedule(timer, saga.EventCorrelationId, saga.TraceParent);
        }

        saga.StageWrites(session);

        await session.SaveChangesAsync(CancellationToken).ConfigureAwait(false);
        foreach (var observer in observers)
        {
            observer.Committed(saga, saga.UncommittedEvents);
        }

        saga.MarkCommitted();
    }
}

using EventPlatform.Sagas.DeadLetters;
using Marten;
using MassTransit;

namespace EventPlatform.Sagas.Scheduling;

/// <summary>
/// Deletes the row of a dispatched timer once its consumer is done with it, handled or dead-lettered:
/// until then the dispatcher publishes it again every <see cref="SchedulerOptions.RedeliveryDelay"/>.
/// The consumer's own transaction has committed by then, so a crash in between only repeats a message
/// the saga recognises by its token. A delivery that failed because the database or the network was
/// away is not acknowledged: it comes back once they may be back.
/// </summary>
internal sealed class AcknowledgeTimerFilter<T>(IDocumentStore store) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        try
        {
            await next.Send(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFaults.Is(ex))
        {
            throw;
        }
        catch (Exception)
        {
            await AcknowledgeAsync(context).ConfigureAwait(false);
            throw;
        }

        await AcknowledgeAsync(context).ConfigureAwait(false);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("acknowledgeTimer");

    private Task AcknowledgeAsync(ConsumeContext<T> context) =>
        context.Headers.Get<string>(ScheduledMessageTable.TokenHeader) is { } header && Guid.TryParseExact(header, "N", out var token)
            ? ScheduledMessageTable.AcknowledgeAsync(store, token, CancellationToken.None)
            : Task.CompletedTask;
}

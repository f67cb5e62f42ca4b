using Marten;
using MassTransit;
using Npgsql;

namespace EventPlatform.Sagas.Scheduling;

/// <summary>
/// Deletes the row of a dispatched timer once its consumer is done with it, handled or dead-lettered:
/// until then the dispatcher publishes it again every <see cref="SchedulerOptions.RedeliveryDelay"/>.
/// The consumer's own transaction has committed by then, so a crash in between only repeats a message
/// the saga recognises by its token.
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
        finally
        {
            if (context.Headers.Get<string>(ScheduledMessageTable.TokenHeader) is { } header && Guid.TryParseExact(header, "N", out var token))
            {
                await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
                await connection.OpenAsync(CancellationToken.None).ConfigureAwait(false);
                await using var delete = new NpgsqlCommand(
                    $"delete from {ScheduledMessageTable.QualifiedName(store.Options.DatabaseSchemaName)} where token_id = @token", connection);
                delete.Parameters.AddWithValue("token", token);
                await delete.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("acknowledgeTimer");
}

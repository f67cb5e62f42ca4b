using EventPlatform.Contracts;
using EventPlatform.Projections;
using EventPlatform.Sagas.DeadLetters;
using EventPlatform.Sagas.Scheduling;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace EventPlatform.Api.Admin.DeadLetters;

internal static class RedriveDeadLetterEndpoint
{
    public static void Map(IEndpointRouteBuilder deadLetters) =>
        deadLetters.MapPost("/{id:guid}/redrive", RedriveAsync)
            .WithName("RedriveDeadLetter")
            .WithSummary("Publish a dead letter again")
            .WithDescription("Publishes the message as it was; should it fail again it comes back as a new dead letter. Admin keys only.")
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>Publishes the message again, as it was; should it fail again it comes back as a new dead letter.</summary>
    private static async Task<Results<Accepted<DeadLetterResponse>, ProblemHttpResult>> RedriveAsync(
        Guid id, IDocumentStore store, IPublishEndpoint bus, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"update {DeadLetterTable.QualifiedName(store)} set redriven_at = @now where id = @id " +
            $"returning {DeadLetterResponse.Columns}",
            connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dead letter not found", detail: $"There is no dead letter {id}.");
        }

        var (message, type) = ContractMessageJson.Deserialize(reader.GetString(1), reader.GetString(2));
        var letter = DeadLetterResponse.Read(reader);
        await using var session = store.QuerySession();
        var conversation = message is IJobMessage { JobId: var jobId }
            ? await JobCorrelation.FindAsync(session, jobId, cancellationToken).ConfigureAwait(false)
            : null;
        await bus.Publish(message, type, context => context.ConversationId = conversation ?? context.ConversationId, cancellationToken)
            .ConfigureAwait(false);
        return TypedResults.Accepted($"/admin/dead-letters/{id}", letter);
    }
}

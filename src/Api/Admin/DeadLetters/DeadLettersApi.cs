using EventPlatform.Api.Auth;
using EventPlatform.Contracts;
using EventPlatform.Projections;
using EventPlatform.Sagas.Scheduling;
using EventPlatform.Sagas.DeadLetters;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace EventPlatform.Api.Admin.DeadLetters;

internal static class DeadLettersApi
{
    private const int Page = 200;
    private const string Columns = "id, message_type, body::text, consumer, exception, failed_at, redriven_at";

    public static IEndpointRouteBuilder MapDeadLetters(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin/dead-letters").WithTags("Admin").RequireAuthorization(ApiKeyAuthentication.AdminPolicy);
        admin.MapGet("/", ListAsync)
            .WithName("ListDeadLetters")
            .WithSummary("Messages a consumer gave up on")
            .WithDescription("The newest 200, with the exception that ended them. Admin keys only.");
        admin.MapPost("/{id:guid}/redrive", RedriveAsync)
            .WithName("RedriveDeadLetter")
            .WithSummary("Publish a dead letter again")
            .WithDescription("Publishes the message as it was; should it fail again it comes back as a new dead letter. Admin keys only.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    /// <summary>The newest first.</summary>
    private static async Task<Ok<IReadOnlyList<DeadLetterResponse>>> ListAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"select {Columns} from {DeadLetterTable.QualifiedName(store)} order by failed_at desc limit {Page}",
            connection);
        List<DeadLetterResponse> letters = [];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            letters.Add(Read(reader));
        }

        return TypedResults.Ok<IReadOnlyList<DeadLetterResponse>>(letters);
    }

    /// <summary>One row of <see cref="Columns"/>.</summary>
    private static DeadLetterResponse Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        System.Text.Json.JsonDocument.Parse(reader.GetString(2)).RootElement.Clone(),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));

    /// <summary>Publishes the message again, as it was; should it fail again it comes back as a new dead letter.</summary>
    private static async Task<Results<Accepted<DeadLetterResponse>, ProblemHttpResult>> RedriveAsync(
        Guid id, IDocumentStore store, IPublishEndpoint bus, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"update {DeadLetterTable.QualifiedName(store)} set redriven_at = @now where id = @id " +
            $"returning {Columns}",
            connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dead letter not found", detail: $"There is no dead letter {id}.");
        }

        var (message, type) = ContractMessageJson.Deserialize(reader.GetString(1), reader.GetString(2));
        var letter = Read(reader);
        await using var session = store.QuerySession();
        var conversation = message is IJobMessage { JobId: var jobId }
            ? await JobCorrelation.FindAsync(session, jobId, cancellationToken).ConfigureAwait(false)
            : null;
        await bus.Publish(message, type, context => context.ConversationId = conversation ?? context.ConversationId, cancellationToken)
            .ConfigureAwait(false);
        return TypedResults.Accepted($"/admin/dead-letters/{id}", letter);
    }
}

internal sealed record DeadLetterResponse(
    Guid Id,
    string MessageType,
    System.Text.Json.JsonElement Message,
    string Consumer,
    string Exception,
    DateTimeOffset FailedAt,
    DateTimeOffset? RedrivenAt);

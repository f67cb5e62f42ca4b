using EventPlatform.Sagas.DeadLetters;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace EventPlatform.Api.Admin.DeadLetters;

internal static class ListDeadLettersEndpoint
{
    private const int Page = 200;

    public static void Map(IEndpointRouteBuilder deadLetters) =>
        deadLetters.MapGet("/", ListAsync)
            .WithName("ListDeadLetters")
            .WithSummary("Messages a consumer gave up on")
            .WithDescription("The newest 200, with the exception that ended them. Admin keys only.");

    /// <summary>The newest first.</summary>
    private static async Task<Ok<IReadOnlyList<DeadLetterResponse>>> ListAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"select {DeadLetterResponse.Columns} from {DeadLetterTable.QualifiedName(store)} order by failed_at desc limit {Page}",
            connection);
        List<DeadLetterResponse> letters = [];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            letters.Add(DeadLetterResponse.Read(reader));
        }

        return TypedResults.Ok<IReadOnlyList<DeadLetterResponse>>(letters);
    }
}

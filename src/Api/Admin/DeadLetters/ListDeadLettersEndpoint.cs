using EventPlatform.Api.Http;
using EventPlatform.Sagas.DeadLetters;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace EventPlatform.Api.Admin.DeadLetters;

internal static class ListDeadLettersEndpoint
{
    private const int Page = 200;

    public static void Map(IEndpointRouteBuilder deadLetters) =>
        deadLetters.MapGet("/", ListAsync)
            .WithName("ListDeadLetters")
            .WithSummary("Messages a consumer gave up on")
            .WithDescription("The newest 200 at most (fewer once the page passes about 1 MiB), with the exception that ended them; "
                + "a message over 64 KiB is left out of the list (message null, messageBytes its size) and re-driven whole. Admin keys only.");

    /// <summary>The newest first.</summary>
    private static async Task<Ok<IReadOnlyList<DeadLetterResponse>>> ListAsync(
        IDocumentStore store, IOptions<PageLimits> pages, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        await using var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"select {DeadLetterResponse.ListColumns} from {DeadLetterTable.QualifiedName(store)} order by failed_at desc limit {Page}",
            connection);
        List<DeadLetterResponse> letters = [];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            letters.Add(DeadLetterResponse.Read(reader));
        }

        return TypedResults.Ok<IReadOnlyList<DeadLetterResponse>>(pages.Value.Fit(letters, json.Value.SerializerOptions));
    }
}

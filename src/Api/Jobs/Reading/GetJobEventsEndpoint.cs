using System.Security.Claims;
using System.Text.Json;
using EventPlatform.Api.Auth;
using EventPlatform.Contracts.Jobs;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Reading;

internal static class GetJobEventsEndpoint
{
    public static void Map(IEndpointRouteBuilder jobs) =>
        jobs.MapGet("/{jobId:guid}/events", HandleAsync)
            .WithName("GetJobEvents")
            .WithSummary("A job's event stream")
            .WithDescription("Every event of the job's stream in order, with version, type, timestamp, data and correlation ids.")
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<Results<Ok<IReadOnlyList<JobEventResponse>>, ProblemHttpResult>> HandleAsync(
        Guid jobId, ClaimsPrincipal user, IQuerySession session, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var stream = await session.Events.FetchStreamAsync(jobId, token: cancellationToken).ConfigureAwait(false);
        if (stream.Count == 0 || stream[0].Data is not JobSubmitted submitted || !Caller.From(user).CanSee(submitted.UserId))
        {
            return JobNotFound.Problem(jobId);
        }

        IReadOnlyList<JobEventResponse> events =
        [
            .. stream.Select(e => new JobEventResponse(
                e.Version,
                e.EventType.Name,
                e.Timestamp,
                JsonSerializer.SerializeToElement(e.Data, e.EventType, json.Value.SerializerOptions),
                e.CorrelationId,
                e.CausationId)),
        ];
        return TypedResults.Ok(events);
    }
}

internal sealed record JobEventResponse(long Version, string Type, DateTimeOffset Timestamp, JsonElement Data, string? CorrelationId, string? CausationId);

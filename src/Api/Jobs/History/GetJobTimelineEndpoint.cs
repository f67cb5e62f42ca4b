using System.Security.Claims;
using EventPlatform.Api.Jobs.Reading;
using EventPlatform.Projections.JobTimeline;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Jobs.History;

internal static class GetJobTimelineEndpoint
{
    public static void Map(IEndpointRouteBuilder jobs) =>
        jobs.MapGet("/{jobId:guid}/timeline", HandleAsync)
            .WithName("GetJobTimeline")
            .WithSummary("A job's timeline")
            .WithDescription("Every transition of the job with its time, attempt and detail.")
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>
    /// Served from the async timeline view; when the daemon has not caught up with the stream yet,
    /// the timeline is replayed from the events instead, so the answer is never behind the job.
    /// </summary>
    private static async Task<Results<Ok<JobTimelineResponse>, ProblemHttpResult>> HandleAsync(
        Guid jobId, ClaimsPrincipal user, IQuerySession session, CancellationToken cancellationToken)
    {
        if (await VisibleJob.LoadAsync(session, user, jobId, cancellationToken).ConfigureAwait(false) is null)
        {
            return JobNotFound.Problem(jobId);
        }

        var stream = await session.Events.FetchStreamStateAsync(jobId, cancellationToken).ConfigureAwait(false);
        var timeline = await session.LoadAsync<JobTimelineView>(jobId, cancellationToken).ConfigureAwait(false);
        var projected = timeline is { Entries.Count: > 0 } && timeline.Entries[^1].Version >= (stream?.Version ?? 0);
        if (!projected)
        {
            timeline = await session.Events.AggregateStreamAsync<JobTimelineView>(jobId, token: cancellationToken).ConfigureAwait(false);
        }

        return timeline is null
            ? JobNotFound.Problem(jobId)
            : TypedResults.Ok(new JobTimelineResponse(jobId, timeline.Entries, projected ? "projection" : "replay"));
    }
}

// Source: "projection" when the async view was current, "replay" when it was rebuilt from the stream for this answer.
internal sealed record JobTimelineResponse(Guid JobId, IReadOnlyList<JobTimelineEntry> Entries, string Source);

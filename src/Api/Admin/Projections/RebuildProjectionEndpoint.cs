using EventPlatform.Projections.Maintenance;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Admin.Projections;

/// <summary>Rebuilding projections from the streams (docs/adr/0016-figures-rebuild-and-audit.md).</summary>
internal static class RebuildProjectionEndpoint
{
    public static void Map(IEndpointRouteBuilder admin) =>
        admin.MapPost("/projections/{name}/rebuild", RebuildAsync)
            .WithName("RebuildProjection")
            .WithSummary("Rebuild a projection from the streams")
            .WithDescription("Rebuilds JobStatus, JobTimeline, UserJobStats or QueueStats (or all, in turn) from every job's stream; "
                + "answers when done with one entry per projection rebuilt (one, or four for all): the events read and the time taken. "
                + "404 for an unknown name; 409 where no projection daemon runs. Admin keys only.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

    /// <summary>One result per projection rebuilt, in order: always a list, so that a client reads one shape.</summary>
    private static async Task<Results<Ok<IReadOnlyList<ProjectionRebuild>>, ProblemHttpResult>> RebuildAsync(
        string name, ProjectionRebuilder rebuilder, CancellationToken cancellationToken)
    {
        var all = string.Equals(name, ProjectionRebuilder.All, StringComparison.OrdinalIgnoreCase);
        var projection = ProjectionRebuilder.Find(name);
        if (!all && projection is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Projection not found",
                detail: $"There is no projection '{name}'; there are {string.Join(", ", ProjectionRebuilder.Names)} (or all).");
        }

        try
        {
            IReadOnlyList<string> which = all ? ProjectionRebuilder.Names : [projection!];
            List<ProjectionRebuild> rebuilds = [];
            foreach (var each in which)
            {
                rebuilds.Add(await rebuilder.RebuildAsync(each, cancellationToken).ConfigureAwait(false));
            }

            return TypedResults.Ok<IReadOnlyList<ProjectionRebuild>>(rebuilds);
        }
        catch (AsyncDaemonNotRunningException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "No projection daemon here", detail: ex.Message);
        }
    }
}

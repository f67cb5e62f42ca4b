using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Jobs.Artifacts;

internal static class GetJobArtifactsEndpoint
{
    public static void Map(IEndpointRouteBuilder jobs) =>
        jobs.MapGet("/{jobId:guid}/artifacts", HandleAsync)
            .WithName("GetJobArtifacts")
            .WithSummary("A job's artifacts")
            .WithDescription("Name, size and a download URL (valid without a key until expiresAt) of each file of the latest attempt, or of ?attempt=n.")
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>The latest attempt's artifacts, or attempt <paramref name="attempt"/>'s; a job that never ran has none.</summary>
    private static async Task<Results<Ok<IReadOnlyList<ArtifactLink>>, ProblemHttpResult>> HandleAsync(
        Guid jobId,
        int? attempt,
        HttpRequest request,
        ClaimsPrincipal user,
        IQuerySession session,
        IArtifactCatalog catalog,
        CancellationToken cancellationToken)
    {
        var (which, problem) = await JobAttempt.FindAsync(session, user, jobId, attempt, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (which == 0)
        {
            return TypedResults.Ok<IReadOnlyList<ArtifactLink>>([]);
        }

        var apiBase = new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
        return TypedResults.Ok(await catalog.ListAsync(jobId, which, apiBase, cancellationToken).ConfigureAwait(false));
    }
}

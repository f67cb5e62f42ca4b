using System.Security.Claims;
using EventPlatform.Api.Jobs.Reading;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Jobs.Artifacts;

internal static class GetJobArtifactsEndpoint
{
    /// <summary>The latest attempt's artifacts, or attempt <paramref name="attempt"/>'s; a job that never ran has none.</summary>
    public static async Task<Results<Ok<IReadOnlyList<ArtifactLink>>, ProblemHttpResult>> HandleAsync(
        Guid jobId,
        int? attempt,
        HttpRequest request,
        ClaimsPrincipal user,
        IQuerySession session,
        IArtifactCatalog catalog,
        CancellationToken cancellationToken)
    {
        if (await VisibleJob.LoadAsync(session, user, jobId, cancellationToken).ConfigureAwait(false) is not { } view)
        {
            return JobNotFound.Problem(jobId);
        }

        if (JobAttempt.Pick(view, attempt) is not { } which)
        {
            return JobAttempt.NotFound(view, attempt!.Value);
        }

        if (which == 0)
        {
            return TypedResults.Ok<IReadOnlyList<ArtifactLink>>([]);
        }

        var apiBase = new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
        return TypedResults.Ok(await catalog.ListAsync(jobId, which, apiBase, cancellationToken).ConfigureAwait(false));
    }
}

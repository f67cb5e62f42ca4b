using System.Security.Claims;
using EventPlatform.Api.Jobs.Reading;
using EventPlatform.Projections.JobStatus;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Jobs.Artifacts;

/// <summary>Which attempt a request for artifacts or logs means: the one asked for, else the latest (0 before the first launch).</summary>
internal static class JobAttempt
{
    /// <summary>
    /// The attempt of a job the caller may see, or the 404 to answer instead: for a job that is not
    /// theirs (or does not exist), or an attempt it has not had.
    /// </summary>
    public static async Task<(int Attempt, ProblemHttpResult? Problem)> FindAsync(
        IQuerySession session, ClaimsPrincipal user, Guid jobId, int? asked, CancellationToken cancellationToken)
    {
        if (await VisibleJob.LoadAsync(session, user, jobId, cancellationToken).ConfigureAwait(false) is not { } view)
        {
            return (0, JobNotFound.Problem(jobId));
        }

        return Pick(view, asked) is { } attempt ? (attempt, null) : (0, NotFound(view, asked!.Value));
    }

    private static int? Pick(JobStatusView view, int? asked) =>
        asked is not { } attempt ? view.Attempt
        : attempt >= 1 && attempt <= view.Attempt ? attempt
        : null;

    private static ProblemHttpResult NotFound(JobStatusView view, int asked) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Attempt not found",
        detail: $"Job {view.Id} has no attempt {asked}; its attempts so far are 1 to {view.Attempt}.");
}

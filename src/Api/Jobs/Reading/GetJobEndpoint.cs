using System.Security.Claims;
using EventPlatform.Api.Auth;
using EventPlatform.Projections.JobStatus;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Jobs.Reading;

internal static class GetJobEndpoint
{
    public static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> HandleAsync(
        Guid jobId, ClaimsPrincipal user, IQuerySession session, CancellationToken cancellationToken)
    {
        var view = await session.LoadAsync<JobStatusView>(jobId, cancellationToken).ConfigureAwait(false);
        return view is null || !Caller.From(user).CanSee(view.UserId) ? JobNotFound.Problem(jobId) : TypedResults.Ok(JobResponse.From(view));
    }
}

using EventPlatform.Projections.JobStatus;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Jobs.Reading;

internal static class GetJobEndpoint
{
    public static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> HandleAsync(
        Guid jobId, IQuerySession session, CancellationToken cancellationToken)
    {
        var view = await session.LoadAsync<JobStatusView>(jobId, cancellationToken).ConfigureAwait(false);
        return view is null ? JobNotFound.Problem(jobId) : TypedResults.Ok(JobResponse.From(view));
    }
}

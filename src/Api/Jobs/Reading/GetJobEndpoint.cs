using System.Security.Claims;
using EventPlatform.Api.Auth;
using EventPlatform.Projections.JobStatus;
using EventPlatform.Sagas.Admission;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Reading;

internal static class GetJobEndpoint
{
    public static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> HandleAsync(
        Guid jobId, ClaimsPrincipal user, IQuerySession session, IOptions<AdmissionOptions> admission, CancellationToken cancellationToken)
    {
        var view = await session.LoadAsync<JobStatusView>(jobId, cancellationToken).ConfigureAwait(false);
        if (view is null || !Caller.From(user).CanSee(view.UserId))
        {
            return JobNotFound.Problem(jobId);
        }

        // Only a job in line (not one sitting out a retry's back-off) waits for a slot.
        var waitingFor = view is { State: JobPhase.Queued, RetryAt: null }
            ? await AdmissionStatus.WaitingForAsync(session, view.UserId, admission.Value, cancellationToken).ConfigureAwait(false)
            : null;
        return TypedResults.Ok(JobResponse.From(view) with { WaitingFor = waitingFor });
    }
}

using System.Security.Claims;
using EventPlatform.Api.Auth;
using EventPlatform.Projections.JobStatus;
using Marten;

namespace EventPlatform.Api.Jobs.Reading;

internal static class VisibleJob
{
    /// <summary>The job's status if the caller may see it: another user's job is as absent as one that does not exist.</summary>
    public static async Task<JobStatusView?> LoadAsync(IQuerySession session, ClaimsPrincipal user, Guid jobId, CancellationToken cancellationToken)
    {
        var view = await session.LoadAsync<JobStatusView>(jobId, cancellationToken).ConfigureAwait(false);
        return view is not null && Caller.From(user).CanSee(view.UserId) ? view : null;
    }
}

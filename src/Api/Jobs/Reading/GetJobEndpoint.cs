using System.Globalization;
using System.Security.Claims;
using EventPlatform.Api.Auth;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections.JobStatus;
using EventPlatform.Sagas.Admission;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Reading;

internal static class GetJobEndpoint
{
    public static void Map(IEndpointRouteBuilder jobs) =>
        jobs.MapGet("/{jobId:guid}", HandleAsync)
            .WithName("GetJob")
            .WithSummary("A job's status")
            .WithDescription("The job's state, exit code, attempt, times and spec; with asOf (a stream version or an ISO 8601 time), the job as it was then.")
            .ProducesProblem(StatusCodes.Status404NotFound);

    // asOf: a stream version (1 is the submission) or an ISO 8601 time; the job as it was then, replayed from its events.
    private static async Task<Results<Ok<JobResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid jobId, string? asOf, ClaimsPrincipal user, IQuerySession session, IOptions<AdmissionOptions> admission, CancellationToken cancellationToken)
    {
        if (asOf is not null)
        {
            return await AsOfAsync(jobId, asOf, user, session, cancellationToken).ConfigureAwait(false);
        }

        if (await VisibleJob.LoadAsync(session, user, jobId, cancellationToken).ConfigureAwait(false) is not { } view)
        {
            return JobNotFound.Problem(jobId);
        }

        // Only a job in line (not one sitting out a retry's back-off) waits for a slot.
        var waitingFor = view is { State: JobPhase.Queued, RetryAt: null }
            ? await AdmissionStatus.WaitingForAsync(session, view.UserId, admission.Value, cancellationToken).ConfigureAwait(false)
            : null;
        return TypedResults.Ok(JobResponse.From(view) with { WaitingFor = waitingFor });
    }

    private static async Task<Results<Ok<JobResponse>, ValidationProblem, ProblemHttpResult>> AsOfAsync(
        Guid jobId, string asOf, ClaimsPrincipal user, IQuerySession session, CancellationToken cancellationToken)
    {
        JobStatusView? view;
        if (long.TryParse(asOf, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 1)
        {
            view = await session.Events.AggregateStreamAsync<JobStatusView>(jobId, version: version, token: cancellationToken).ConfigureAwait(false);
        }
        else if (!asOf.All(char.IsAsciiDigit)
            && DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp))
        {
            view = await session.Events.AggregateStreamAsync<JobStatusView>(jobId, timestamp: timestamp, token: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["asOf"] = ["asOf must be a stream version (1 or more) or an ISO 8601 time."] },
                title: "asOf is not valid.");
        }

        // Not yet submitted at that point, or not the caller's: either way there was no such job for them.
        return view is null || !Caller.From(user).CanSee(view.UserId) ? JobNotFound.Problem(jobId) : TypedResults.Ok(JobResponse.From(view));
    }
}

using System.Diagnostics;
using System.Security.Claims;
using EventPlatform.Api.Auth;
using EventPlatform.Api.Jobs.Reading;
using EventPlatform.Api.Jobs.Submitting;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Jobs.Rerunning;

internal static class RerunJobEndpoint
{
    public static void Map(IEndpointRouteBuilder jobs) =>
        jobs.MapPost("/{jobId:guid}/rerun", HandleAsync)
            .WithName("RerunJob")
            .WithSummary("Run a job again")
            .WithDescription("Submits a new job with the same spec, for the same user, whatever the original's state; 202 with the new job's id. "
                + "The new job's rerunOf names the original; once it is stored, the original's timeline and events name the new one (JobRerunSubmitted). "
                + "Another user's job is 404, as an unknown one. No body.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireRateLimiting(SubmissionRateLimit.Policy);

    private static async Task<Results<Accepted<RerunJobResponse>, ProblemHttpResult>> HandleAsync(
        Guid jobId, ClaimsPrincipal user, IQuerySession query, SubmitJobHandler handler, CancellationToken cancellationToken)
    {
        if (await VisibleJob.LoadAsync(query, user, jobId, cancellationToken) is not { } original)
        {
            return JobNotFound.Problem(jobId);
        }

        // The run again is the original owner's job, so that it shows where the original does.
        var submission = new SubmitJob(original.UserId, original.Spec, IdempotencyKey: null, RerunOf: jobId, RequestedBy: Caller.From(user).UserId);
        var outcome = await handler.HandleAsync(submission, cancellationToken);
        return outcome switch
        {
            SubmitJobOutcome.Accepted(var rerunId) => TypedResults.Accepted($"/jobs/{rerunId}", new RerunJobResponse(rerunId, $"/jobs/{rerunId}", jobId)),
            SubmitJobOutcome.TooManyWaiting(var waiting, var limit) => TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many jobs waiting",
                detail: $"{original.UserId} has {waiting} jobs waiting for a slot; the limit is {limit}. Run it again once some have started."),
            var other => throw new UnreachableException($"No answer for {other}."),
        };
    }
}

internal sealed record RerunJobResponse(Guid JobId, string StatusUrl, Guid RerunOf);

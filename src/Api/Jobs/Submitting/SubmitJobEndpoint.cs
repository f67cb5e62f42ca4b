using System.Diagnostics;
using System.Security.Claims;
using EventPlatform.Api.Auth;
using EventPlatform.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Submitting;

internal static class SubmitJobEndpoint
{
    public static void Map(IEndpointRouteBuilder jobs) =>
        jobs.MapPost("/", HandleAsync)
            .WithName(SubmissionMetrics.EndpointName)
            .WithSummary("Submit a job")
            .WithDescription("Stores the job and queues it; 202 with its id. An Idempotency-Key header makes retries return the same job. "
                + "A bad body is 400 naming each bad field, and nothing is stored; the body must be sent as application/json.")
            .Accepts<SubmitJobBody>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireRateLimiting(SubmissionRateLimit.Policy);

    private static async Task<Results<Accepted<SubmitJobResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        SubmitJobHandler handler,
        IOptions<SubmissionLimits> limits,
        SubmissionMetrics metrics,
        CancellationToken cancellationToken)
    {
        // Routing refuses another media type; a body sent with none is refused here, as the description says.
        if (!request.HasJsonContentType())
        {
            metrics.Refused(SubmissionMetrics.Reasons.Invalid);
            return JsonBodies.UnsupportedMediaType(request);
        }

        var key = request.Headers[IdempotentSubmission.Header].ToString();
        var (body, errors) = await SubmitJobValidation.ReadAsync(request.Body, key, limits.Value, cancellationToken);
        if (body is null)
        {
            metrics.Refused(SubmissionMetrics.Reasons.Invalid);
            return TypedResults.ValidationProblem(errors);
        }

        var submission = new SubmitJob(Caller.From(user).UserId, body.ToSpec(), key.Length > 0 ? key : null);
        var outcome = await handler.HandleAsync(submission, cancellationToken);
        switch (outcome)
        {
            case SubmitJobOutcome.TooManyWaiting:
                metrics.Refused(SubmissionMetrics.Reasons.QueueFull);
                break;
            case SubmitJobOutcome.KeyReused:
                metrics.Refused(SubmissionMetrics.Reasons.IdempotencyConflict);
                break;
        }

        return outcome switch
        {
            SubmitJobOutcome.Accepted(var jobId) => TypedResults.Accepted($"/jobs/{jobId}", new SubmitJobResponse(jobId, $"/jobs/{jobId}")),
            SubmitJobOutcome.TooManyWaiting(var waiting, var limit) => TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many jobs waiting",
                detail: $"You have {waiting} jobs waiting for a slot; the limit is {limit}. Submit more once some have started."),
            SubmitJobOutcome.KeyReused(var reused, var jobId) => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Idempotency key reused",
                detail: $"The {IdempotentSubmission.Header} '{reused}' was already used for a different job ({jobId})."),
            var other => throw new UnreachableException($"No answer for {other}."),
        };
    }
}

internal sealed record SubmitJobResponse(Guid JobId, string StatusUrl);

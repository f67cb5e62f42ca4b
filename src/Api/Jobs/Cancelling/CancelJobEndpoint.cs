using System.Security.Claims;
using System.Text.Json;
using EventPlatform.Api.Auth;
using EventPlatform.Api.Http;
using EventPlatform.Api.Jobs.Reading;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections;
using EventPlatform.Projections.JobStatus;
using EventPlatform.Sagas.Jobs;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Cancelling;

internal static class CancelJobEndpoint
{
    public const int MaxReasonLength = 500;

    public static void Map(IEndpointRouteBuilder jobs) =>
        jobs.MapPost("/{jobId:guid}/cancel", HandleAsync)
            .WithName("CancelJob")
            .WithSummary("Cancel a job")
            .WithDescription("A queued job ends Cancelled at once, a starting or running one once its task stops; again is fine. A job that ended otherwise is 409. "
                + "The body is optional; when given, it is sent as application/json.")
            .Accepts<CancelJobBody>(isOptional: true, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

    /// <summary>
    /// Accepted while the job can still be cancelled (and again once it is); a job that ended any
    /// other way is a conflict. The saga makes the decision that counts: a job that ends between
    /// this check and the saga's turn keeps its outcome.
    /// </summary>
    private static async Task<Results<Accepted<CancelJobResponse>, ProblemHttpResult, ValidationProblem>> HandleAsync(
        Guid jobId,
        HttpRequest request,
        ClaimsPrincipal user,
        IDocumentSession session,
        IPublishEndpoint bus,
        IOptions<JobLifecycleOptions> lifecycle,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        // The body is optional, and a chunked one has no Content-Length: read it to know.
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (!string.IsNullOrWhiteSpace(text) && !request.HasJsonContentType())
        {
            return JsonBodies.UnsupportedMediaType(request);
        }

        var (reason, error) = ReadReason(text);
        if (error is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [error] });
        }

        var caller = Caller.From(user);
        var view = await session.LoadAsync<JobStatusView>(jobId, cancellationToken).ConfigureAwait(false);
        if (view is null || !caller.CanSee(view.UserId))
        {
            return JobNotFound.Problem(jobId);
        }

        if (view.State.HasEnded() && view.State != JobPhase.Cancelled)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Job already ended",
                detail: $"Job {jobId} already ended as {view.State}; only a job that has not ended can be cancelled.");
        }

        if (view.State != JobPhase.Cancelled)
        {
            var conversation = await JobCorrelation.FindAsync(session, jobId, cancellationToken).ConfigureAwait(false);
            var cancel = new CancelJob(jobId, caller.UserId, reason);
            JobSubmission.StageCancel(session, cancel, conversation, clock.GetUtcNow(), lifecycle.Value.SubmissionRecoveryDelay);
            await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await bus.Publish(cancel, context => context.ConversationId = conversation ?? context.ConversationId, cancellationToken).ConfigureAwait(false);
        }

        var statusUrl = $"/jobs/{jobId}";
        return TypedResults.Accepted(statusUrl, new CancelJobResponse(jobId, view.State.ToString(), statusUrl));
    }

    private static (string? Reason, string? Error) ReadReason(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        try
        {
            using var body = JsonDocument.Parse(text);
            if (body.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, "The body, when given, must be a JSON object such as {\"reason\": \"...\"}.");
            }

            if (!body.RootElement.TryGetProperty("reason", out var reason) || reason.ValueKind == JsonValueKind.Null)
            {
                return (null, null);
            }

            if (!StorableText.IsStorable(reason))
            {
                return (null, $"reason must hold text with {StorableText.Rule}.");
            }

            return reason.ValueKind == JsonValueKind.String && reason.GetString()!.Length <= MaxReasonLength
                ? (reason.GetString(), null)
                : (null, $"reason must be a string of at most {MaxReasonLength} characters.");
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not valid JSON: {ex.Message}");
        }
    }
}

/// <summary><paramref name="State"/> is the job's state when the request was accepted; follow <paramref name="StatusUrl"/> for the outcome.</summary>
internal sealed record CancelJobResponse(Guid JobId, string State, string StatusUrl);

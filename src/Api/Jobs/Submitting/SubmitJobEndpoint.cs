using System.Security.Claims;
using System.Text.Json;
using EventPlatform.Api.Auth;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections.JobStatus;
using EventPlatform.Sagas.Admission;
using EventPlatform.Sagas.Jobs;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Submitting;

internal static class SubmitJobEndpoint
{
    public static async Task<Results<Accepted<SubmitJobResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        IDocumentSession session,
        IPublishEndpoint bus,
        IOptions<JobLifecycleOptions> lifecycle,
        IOptions<AdmissionOptions> admission,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [ex.Path ?? "$"] = [$"The body is not valid JSON: {ex.Message}"] });
        }

        var (spec, errors) = SubmitJobRequest.Parse(body);
        var key = request.Headers[IdempotentSubmission.Header].ToString();
        if (key.Length > IdempotentSubmission.MaxKeyLength)
        {
            errors[IdempotentSubmission.Header] = [$"{IdempotentSubmission.Header} must be at most {IdempotentSubmission.MaxKeyLength} characters."];
        }

        if (spec is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var caller = Caller.From(user);
        // Counted on the status view, which commits with each submission, so a quick second
        // submission sees the first; racing ones may overshoot the bound by a few.
        var waiting = await session.Query<JobStatusView>()
            .CountAsync(x => x.UserId == caller.UserId && x.State == JobPhase.Queued, cancellationToken)
            .ConfigureAwait(false);
        if (waiting >= admission.Value.MaxQueuedPerUser)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many jobs waiting",
                detail: $"You have {waiting} jobs waiting for a slot; the limit is {admission.Value.MaxQueuedPerUser}. Submit more once some have started.");
        }

        var jobId = key.Length > 0 ? IdempotentSubmission.JobIdFor(caller.UserId, key) : Guid.CreateVersion7();
        var submitted = new JobSubmitted(jobId, caller.UserId, spec, clock.GetUtcNow()) { IdempotencyKey = key.Length > 0 ? key : null };
        var conversationId = Guid.CreateVersion7();
        JobSubmission.Stage(session, submitted, conversationId, lifecycle.Value.SubmissionRecoveryDelay);
        try
        {
            await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException)
        {
            return await RepeatedAsync(session.DocumentStore, submitted, cancellationToken).ConfigureAwait(false);
        }

        // Published only after the stream committed, so the saga never sees a job that is not stored.
        await bus.Publish(submitted, context => context.ConversationId = conversationId, cancellationToken).ConfigureAwait(false);
        return Accepted(jobId);
    }

    /// <summary>The key was used before by this user: the same request gets the same job, another one a conflict.</summary>
    private static async Task<Results<Accepted<SubmitJobResponse>, ValidationProblem, ProblemHttpResult>> RepeatedAsync(
        IDocumentStore store, JobSubmitted attempt, CancellationToken cancellationToken)
    {
        await using var query = store.QuerySession();
        var first = await query.Events.FetchStreamAsync(attempt.JobId, version: 1, token: cancellationToken).ConfigureAwait(false);
        if (first is [{ Data: JobSubmitted original }] && IdempotentSubmission.SameRequest(original.Spec, attempt.Spec))
        {
            return Accepted(original.JobId);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Idempotency key reused",
            detail: $"The {IdempotentSubmission.Header} '{attempt.IdempotencyKey}' was already used for a different job ({attempt.JobId}).");
    }

    private static Accepted<SubmitJobResponse> Accepted(Guid jobId)
    {
        var statusUrl = $"/jobs/{jobId}";
        return TypedResults.Accepted(statusUrl, new SubmitJobResponse(jobId, statusUrl));
    }
}

internal sealed record SubmitJobResponse(Guid JobId, string StatusUrl);

using System.Security.Claims;
using System.Text.Json;
using EventPlatform.Api.Auth;
using EventPlatform.Contracts.Jobs;
using Marten;
using EventPlatform.Sagas.Jobs;
using MassTransit;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Jobs.Submitting;

internal static class SubmitJobEndpoint
{

    public static async Task<Results<Accepted<SubmitJobResponse>, ValidationProblem>> HandleAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        IDocumentSession session,
        IPublishEndpoint bus,
        IOptions<JobLifecycleOptions> lifecycle,
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
        if (spec is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var submitted = new JobSubmitted(Guid.CreateVersion7(), Caller.From(user).UserId, spec, clock.GetUtcNow());
        var conversationId = Guid.CreateVersion7();
        JobSubmission.Stage(session, submitted, conversationId, lifecycle.Value.SubmissionRecoveryDelay);
        await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        // Published only after the stream committed, so the saga never sees a job that is not stored.
        await bus.Publish(submitted, context => context.ConversationId = conversationId, cancellationToken).ConfigureAwait(false);

        var statusUrl = $"/jobs/{submitted.JobId}";
        return TypedResults.Accepted(statusUrl, new SubmitJobResponse(submitted.JobId, statusUrl));
    }
}

internal sealed record SubmitJobResponse(Guid JobId, string StatusUrl);

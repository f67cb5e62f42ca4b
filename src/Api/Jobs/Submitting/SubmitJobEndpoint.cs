using System.Text.Json;
using EventPlatform.Contracts.Jobs;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Jobs.Submitting;

internal static class SubmitJobEndpoint
{
    /// <summary>Who submits, until API keys identify callers (issue 4).</summary>
    public const string AnonymousUser = "anonymous";

    public static async Task<Results<Accepted<SubmitJobResponse>, ValidationProblem>> HandleAsync(
        HttpRequest request,
        IDocumentSession session,
        IPublishEndpoint bus,
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

        var submitted = new JobSubmitted(Guid.CreateVersion7(), AnonymousUser, spec, clock.GetUtcNow());
        var conversationId = Guid.CreateVersion7();
        session.CorrelationId = conversationId.ToString("N");
        session.Events.StartStream(submitted.JobId, submitted);
        await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        // Published only after the stream committed, so the saga never sees a job that is not stored.
        // The conversation id becomes the correlation id of every later event of this job.
        await bus.Publish(submitted, context => context.ConversationId = conversationId, cancellationToken).ConfigureAwait(false);

        var statusUrl = $"/jobs/{submitted.JobId}";
        return TypedResults.Accepted(statusUrl, new SubmitJobResponse(submitted.JobId, statusUrl));
    }
}

internal sealed record SubmitJobResponse(Guid JobId, string StatusUrl);

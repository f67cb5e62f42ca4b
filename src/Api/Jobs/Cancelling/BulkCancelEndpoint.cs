using System.Security.Claims;
using EventPlatform.Api.Auth;
using EventPlatform.Api.Http;
using EventPlatform.Api.Jobs.Listing;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections;
using EventPlatform.Projections.JobStatus;
using EventPlatform.Sagas.Jobs;
using Marten;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Cancelling;

internal static class BulkCancelEndpoint
{
    public const int MaxJobs = 200;

    private static readonly JobPhase[] Cancellable = [JobPhase.Queued, JobPhase.Starting, JobPhase.Running];

    public static void Map(IEndpointRouteBuilder jobs) =>
        jobs.MapPost("/cancel", HandleAsync)
            .WithName("CancelJobs")
            .WithSummary("Cancel many jobs")
            .WithDescription($"Cancels the jobs listed in jobIds, or the jobs that have not ended and match filter (your own; an admin's: anyone's), at most {MaxJobs} a call: "
                + "more says whether the filter matched more (call again). Answers how many were asked to cancel and which were refused and why "
                + "(not found, or already ended otherwise); a job already cancelled counts as asked. Repeating a call is harmless: each job ends once. "
                + "An unknown field is 400 naming it.")
            .Accepts<BulkCancelBody>("application/json")
            .ProducesProblem(StatusCodes.Status403Forbidden);

    private static async Task<Results<Ok<BulkCancelResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        IDocumentSession session,
        IPublishEndpoint bus,
        IOptions<JobLifecycleOptions> lifecycle,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return JsonBodies.UnsupportedMediaType(request);
        }

        using var reader = new StreamReader(request.Body);
        var (ids, filter, reason, errors) = BulkCancelBody.Read(await reader.ReadToEndAsync(cancellationToken));
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The bulk cancel is not valid.");
        }

        var caller = Caller.From(user);
        if (filter is { User: { } other } && !caller.IsAdmin && other != caller.UserId)
        {
            return UserForbidden.Problem("only an admin may cancel another user's jobs.");
        }

        List<JobStatusView> jobs;
        var refused = new List<BulkCancelRefusal>();
        var more = false;
        if (ids is not null)
        {
            var found = (await session.LoadManyAsync<JobStatusView>(cancellationToken, ids)).Where(job => caller.CanSee(job.UserId)).ToDictionary(job => job.Id);
            refused.AddRange(ids.Where(id => !found.ContainsKey(id)).Select(id => new BulkCancelRefusal(id, "not found")));
            jobs = [.. ids.Where(found.ContainsKey).Select(id => found[id])];
        }
        else
        {
            var owner = caller.IsAdmin ? filter!.User : caller.UserId;
            jobs = [.. await ListJobsEndpoint.Filter(session.Query<JobStatusView>(), filter!, owner)
                .Where(x => x.State.In(Cancellable))
                .OrderBy(x => x.CreatedAt)
                .ThenBy(x => x.Id)
                .Take(MaxJobs + 1)
                .ToListAsync(cancellationToken)];
            more = jobs.Count > MaxJobs;
            jobs = [.. jobs.Take(MaxJobs)];
        }

        refused.AddRange(jobs.Where(job => job.State.HasEnded() && job.State != JobPhase.Cancelled)
            .Select(job => new BulkCancelRefusal(job.Id, $"already ended as {job.State}")));
        var asked = jobs.Where(job => !job.State.HasEnded() || job.State == JobPhase.Cancelled).ToList();

        // One transaction stages every cancel (each with its recovery timer), then each is published, as a single cancel is.
        var now = clock.GetUtcNow();
        var cancels = new List<(CancelJob Cancel, Guid? Conversation)>();
        foreach (var job in asked.Where(job => job.State != JobPhase.Cancelled))
        {
            var conversation = await JobCorrelation.FindAsync(session, job.Id, cancellationToken);
            var cancel = new CancelJob(job.Id, caller.UserId, reason);
            JobSubmission.StageCancel(session, cancel, conversation, now, lifecycle.Value.SubmissionRecoveryDelay);
            cancels.Add((cancel, conversation));
        }

        await session.SaveChangesAsync(cancellationToken);
        foreach (var (cancel, conversation) in cancels)
        {
            await bus.Publish(cancel, context => context.ConversationId = conversation ?? context.ConversationId, cancellationToken);
        }

        return TypedResults.Ok(new BulkCancelResponse(asked.Count, [.. asked.Select(job => job.Id)], refused, more));
    }
}

/// <summary><paramref name="Requested"/> jobs were asked to cancel (<paramref name="JobIds"/>); <paramref name="More"/>: the filter matched more than one call takes.</summary>
internal sealed record BulkCancelResponse(int Requested, IReadOnlyList<Guid> JobIds, IReadOnlyList<BulkCancelRefusal> Refused, bool More);

internal sealed record BulkCancelRefusal(Guid JobId, string Reason);

using System.Security.Claims;
using System.Text.Json;
using EventPlatform.Api.Auth;
using EventPlatform.Api.Http;
using EventPlatform.Api.Jobs.Reading;
using EventPlatform.Projections.JobStatus;
using Marten;
using Marten.Linq.MatchesSql;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace EventPlatform.Api.Jobs.Listing;

internal static class ListJobsEndpoint
{
    public static void Map(IEndpointRouteBuilder jobs) =>
        jobs.MapGet("/", HandleAsync)
            .WithName("ListJobs")
            .WithSummary("List jobs, newest first")
            .WithDescription("Your jobs (an admin's: everyone's), filtered by state, priority, user, since, until, q (command text) and label=key:value; "
                + "pages by nextCursor. A page holds at most limit jobs and ends early once it is about 1 MiB.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .AddOpenApiOperationTransformer(JobListParameters.DescribeAsync);

    /// <summary>Newest first; a caller who is not an admin sees only their own jobs.</summary>
    private static async Task<Results<Ok<JobListResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpRequest request,
        ClaimsPrincipal user,
        IQuerySession session,
        IOptions<PageLimits> pages,
        IOptions<JsonOptions> json,
        CancellationToken cancellationToken)
    {
        var (query, errors) = JobListQuery.Parse(request.Query);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The job list query is not valid.");
        }

        var caller = Caller.From(user);
        if (!caller.IsAdmin && query.User is { } other && other != caller.UserId)
        {
            return UserForbidden.Problem("only an admin may list another user's jobs.");
        }

        var owner = caller.IsAdmin ? query.User : caller.UserId;
        var page = await Filter(session.Query<JobStatusView>(), query, owner)
            .OrderByDescending(x => x.CreatedAt)
            .ThenByDescending(x => x.Id)
            .Take(query.Limit + 1)
            .ToListAsync(cancellationToken)
            .ConfigureAwait(false);

        var items = pages.Value.Fit(page.Take(query.Limit).Select(JobResponse.From), json.Value.SerializerOptions);
        var next = page.Count > items.Count ? new JobListCursor(items[^1].CreatedAt, items[^1].JobId).Encode() : null;
        return TypedResults.Ok(new JobListResponse(items, next));
    }

    internal static IQueryable<JobStatusView> Filter(IQueryable<JobStatusView> jobs, JobListQuery query, string? owner)
    {
        if (owner is not null)
        {
            jobs = jobs.Where(x => x.UserId == owner);
        }

        if (query.State is { } state)
        {
            jobs = jobs.Where(x => x.State == state);
        }

        if (query.Priority is { } priority)
        {
            jobs = jobs.Where(x => x.Spec.Priority == priority);
        }

        if (query.Since is { } since)
        {
            jobs = jobs.Where(x => x.CreatedAt >= since);
        }

        if (query.Until is { } until)
        {
            jobs = jobs.Where(x => x.CreatedAt < until);
        }

        if (query.Text is { } text)
        {
            jobs = jobs.Where(x => x.MatchesSql(
                "array_to_string(array(select jsonb_array_elements_text(d.data -> 'Spec' -> 'Command')), ' ') ilike ?",
                $"%{EscapeLike(text)}%"));
        }

        if (query.Labels.Count > 0)
        {
            var containment = JsonSerializer.Serialize(new { Spec = new { query.Labels } });
            jobs = jobs.Where(x => x.MatchesSql("d.data @> ?::jsonb", containment));
        }

        if (query.After is { } after)
        {
            jobs = jobs.Where(x => x.MatchesSql("(d.created_at, d.id) < (?, ?)", after.CreatedAt, after.JobId));
        }

        return jobs;
    }

    private static string EscapeLike(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "\\%", StringComparison.Ordinal)
        .Replace("_", "\\_", StringComparison.Ordinal);
}

/// <summary>One page of jobs; <see cref="NextCursor"/> is null on the last page.</summary>
internal sealed record JobListResponse(IReadOnlyList<JobResponse> Items, string? NextCursor);

using System.Security.Claims;
using EventPlatform.Api.Jobs.Artifacts;
using EventPlatform.Contracts.Artifacts;
using EventPlatform.Contracts.Tasks;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Jobs.Logs;

internal static class GetJobLogsEndpoint
{
    private const string PlainText = "text/plain; charset=utf-8";

    public static void Map(IEndpointRouteBuilder jobs) =>
        jobs.MapGet("/{jobId:guid}/logs", HandleAsync)
            .WithName("GetJobLogs")
            .WithSummary("A job's output")
            .WithDescription("The latest attempt's output (or ?attempt=n's) as text: so far while it runs, all of it once it ended.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>
    /// The attempt's output as text: its stored logs.txt once the Agent has stored it (the attempt
    /// ended), else the live output the launcher keeps (empty before the first line). A live output
    /// that cannot be read is a 503 when asking again later may help, else a 502.
    /// </summary>
    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> HandleAsync(
        Guid jobId,
        int? attempt,
        ClaimsPrincipal user,
        IQuerySession session,
        IArtifactCatalog catalog,
        ILiveOutput liveOutput,
        CancellationToken cancellationToken)
    {
        var (which, problem) = await JobAttempt.FindAsync(session, user, jobId, attempt, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (which == 0)
        {
            return TypedResults.Stream(new MemoryStream(), PlainText);
        }

        if (await catalog.OpenAsync(jobId, which, ArtifactLayout.LogsName, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return TypedResults.Stream(stored, PlainText);
        }

        try
        {
            return TypedResults.Stream(await liveOutput.OpenAsync(jobId, which, cancellationToken).ConfigureAwait(false), PlainText);
        }
        catch (LiveOutputUnavailableException ex)
        {
            return TypedResults.Problem(
                statusCode: ex.Transient ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway,
                title: "Live output unavailable",
                detail: $"The output of job {jobId} attempt {which} could not be read: {ex.Message}");
        }
    }
}

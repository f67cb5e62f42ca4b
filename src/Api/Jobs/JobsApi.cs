using EventPlatform.Api.Jobs.Artifacts;
using EventPlatform.Api.Jobs.Cancelling;
using EventPlatform.Api.Jobs.History;
using EventPlatform.Api.Jobs.Listing;
using EventPlatform.Api.Jobs.Logs;
using EventPlatform.Api.Jobs.Reading;
using EventPlatform.Api.Jobs.Submitting;

namespace EventPlatform.Api.Jobs;

internal static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder endpoints)
    {
        var jobs = endpoints.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapGet("/", ListJobsEndpoint.HandleAsync)
            .WithName("ListJobs")
            .WithSummary("List jobs, newest first")
            .WithDescription("Your jobs (an admin's: everyone's), filtered by state, priority, user, since, until, q (command text) and label=key:value; pages by nextCursor.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        jobs.MapGet("/{jobId:guid}/timeline", GetJobTimelineEndpoint.HandleAsync)
            .WithName("GetJobTimeline")
            .WithSummary("A job's timeline")
            .WithDescription("Every transition of the job with its time, attempt and detail.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        SubmitJobEndpoint.Map(jobs);
        jobs.MapGet("/{jobId:guid}", GetJobEndpoint.HandleAsync)
            .WithName("GetJob")
            .WithSummary("A job's status")
            .WithDescription("The job's state, exit code, attempt, times and spec; with asOf (a stream version or an ISO 8601 time), the job as it was then.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapGet("/{jobId:guid}/events", GetJobEventsEndpoint.HandleAsync)
            .WithName("GetJobEvents")
            .WithSummary("A job's event stream")
            .WithDescription("Every event of the job's stream in order, with version, type, timestamp, data and correlation ids.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPost("/{jobId:guid}/cancel", CancelJobEndpoint.HandleAsync)
            .WithName("CancelJob")
            .WithSummary("Cancel a job")
            .WithDescription("A queued job ends Cancelled at once, a starting or running one once its task stops; again is fine. A job that ended otherwise is 409.")
            .Accepts<CancelJobBody>(isOptional: true, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        jobs.MapGet("/{jobId:guid}/artifacts", GetJobArtifactsEndpoint.HandleAsync)
            .WithName("GetJobArtifacts")
            .WithSummary("A job's artifacts")
            .WithDescription("Name, size and a download URL (valid without a key until expiresAt) of each file of the latest attempt, or of ?attempt=n.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapGet("/{jobId:guid}/logs", GetJobLogsEndpoint.HandleAsync)
            .WithName("GetJobLogs")
            .WithSummary("A job's output")
            .WithDescription("The latest attempt's output (or ?attempt=n's) as text: so far while it runs, all of it once it ended.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapGet("/artifacts/{token}", DownloadArtifactEndpoint.Handle)
            .WithName("DownloadArtifact")
            .WithTags("Jobs")
            .WithSummary("Download an artifact")
            .WithDescription("The file a signed download URL names; the URL is its own authorisation. Altered or expired is 403.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AllowAnonymous();
        return endpoints;
    }
}

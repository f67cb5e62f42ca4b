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
        jobs.MapGet("/", ListJobsEndpoint.HandleAsync).WithName("ListJobs");
        jobs.MapGet("/{jobId:guid}/timeline", GetJobTimelineEndpoint.HandleAsync).WithName("GetJobTimeline");
        jobs.MapPost("/", SubmitJobEndpoint.HandleAsync).WithName("SubmitJob").RequireRateLimiting(SubmissionRateLimit.Policy);
        jobs.MapGet("/{jobId:guid}", GetJobEndpoint.HandleAsync).WithName("GetJob");
        jobs.MapGet("/{jobId:guid}/events", GetJobEventsEndpoint.HandleAsync).WithName("GetJobEvents");
        jobs.MapPost("/{jobId:guid}/cancel", CancelJobEndpoint.HandleAsync).WithName("CancelJob");
        jobs.MapGet("/{jobId:guid}/artifacts", GetJobArtifactsEndpoint.HandleAsync).WithName("GetJobArtifacts");
        jobs.MapGet("/{jobId:guid}/logs", GetJobLogsEndpoint.HandleAsync).WithName("GetJobLogs");
        endpoints.MapGet("/artifacts/{token}", DownloadArtifactEndpoint.Handle).WithName("DownloadArtifact").WithTags("Jobs").AllowAnonymous();
        return endpoints;
    }
}

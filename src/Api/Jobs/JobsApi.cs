using EventPlatform.Api.Jobs.Cancelling;
using EventPlatform.Api.Jobs.Reading;
using EventPlatform.Api.Jobs.Submitting;

namespace EventPlatform.Api.Jobs;

internal static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder endpoints)
    {
        var jobs = endpoints.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapPost("/", SubmitJobEndpoint.HandleAsync).WithName("SubmitJob").RequireRateLimiting(SubmissionRateLimit.Policy);
        jobs.MapGet("/{jobId:guid}", GetJobEndpoint.HandleAsync).WithName("GetJob");
        jobs.MapGet("/{jobId:guid}/events", GetJobEventsEndpoint.HandleAsync).WithName("GetJobEvents");
        jobs.MapPost("/{jobId:guid}/cancel", CancelJobEndpoint.HandleAsync).WithName("CancelJob");
        return endpoints;
    }
}

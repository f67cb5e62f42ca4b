using EventPlatform.Api.Jobs.Artifacts;
using EventPlatform.Api.Jobs.Cancelling;
using EventPlatform.Api.Jobs.Following;
using EventPlatform.Api.Jobs.History;
using EventPlatform.Api.Jobs.Listing;
using EventPlatform.Api.Jobs.Logs;
using EventPlatform.Api.Jobs.Reading;
using EventPlatform.Api.Jobs.Rerunning;
using EventPlatform.Api.Jobs.Submitting;

namespace EventPlatform.Api.Jobs;

internal static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder endpoints)
    {
        var jobs = endpoints.MapGroup("/jobs").WithTags("Jobs");
        ListJobsEndpoint.Map(jobs);
        FollowJobsEndpoint.Map(jobs);
        GetJobTimelineEndpoint.Map(jobs);
        SubmitJobEndpoint.Map(jobs);
        GetJobEndpoint.Map(jobs);
        GetJobEventsEndpoint.Map(jobs);
        CancelJobEndpoint.Map(jobs);
        BulkCancelEndpoint.Map(jobs);
        RerunJobEndpoint.Map(jobs);
        GetJobArtifactsEndpoint.Map(jobs);
        GetJobLogsEndpoint.Map(jobs);

        // A signed download URL is its own authorisation, so it sits outside /jobs and asks for no key.
        var artifacts = endpoints.MapGroup("/artifacts").WithTags("Jobs");
        DownloadArtifactEndpoint.Map(artifacts);
        return endpoints;
    }
}

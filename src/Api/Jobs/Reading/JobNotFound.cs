using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Jobs.Reading;

internal static class JobNotFound
{
    public static ProblemHttpResult Problem(Guid jobId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Job not found", detail: $"There is no job {jobId}.");
}

using EventPlatform.Projections.JobStatus;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Jobs.Artifacts;

/// <summary>Which attempt a request for artifacts or logs means: the one asked for, else the latest (0 before the first launch).</summary>
internal static class JobAttempt
{
    public static int? Pick(JobStatusView view, int? asked) =>
        asked is not { } attempt ? view.Attempt
        : attempt >= 1 && attempt <= view.Attempt ? attempt
        : null;

    public static ProblemHttpResult NotFound(JobStatusView view, int asked) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Attempt not found",
        detail: $"Job {view.Id} has no attempt {asked}; its attempts so far are 1 to {view.Attempt}.");
}

namespace EventPlatform.Api.Http;

/// <summary>
/// What every error body holds beyond what the endpoint said: the request id, and for the errors
/// routing gives (404, 405, 415), what was wrong. A request refused while it is read is answered
/// with its own status (<see cref="BadRequestProblems"/>).
/// </summary>
public static class ProblemResponses
{
    public static void AddPlatformProblemDetails(this IServiceCollection services)
    {
        services.AddExceptionHandler<BadRequestProblems>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = problem =>
        {
            RequestIds.AddTo(problem);
            var http = problem.HttpContext;
            if (problem.ProblemDetails.Status == StatusCodes.Status404NotFound && http.GetEndpoint() is null)
            {
                problem.ProblemDetails.Detail ??= $"There is no resource at {http.Request.Path}; see /openapi/v1.json for the API.";
            }
            else if (problem.ProblemDetails.Status == StatusCodes.Status405MethodNotAllowed)
            {
                problem.ProblemDetails.Detail ??= $"{http.Request.Method} is not allowed on {http.Request.Path}.";
            }
            else if (problem.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType)
            {
                // Routing refuses the media type (from each endpoint's Accepts) before any endpoint runs.
                problem.ProblemDetails.Detail ??= JsonBodies.UnsupportedMediaTypeDetail(http.Request);
            }
        });
    }
}

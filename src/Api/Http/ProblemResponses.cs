namespace EventPlatform.Api.Http;

/// <summary>What every error body holds beyond what the endpoint said: the request id, and for the errors routing gives (404, 405, 415), what was wrong.</summary>
public static class ProblemResponses
{
    public static void AddPlatformProblemDetails(this IServiceCollection services) =>
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
                var sent = string.IsNullOrEmpty(http.Request.ContentType) ? "none" : http.Request.ContentType;
                problem.ProblemDetails.Detail ??= $"Send the body as JSON with Content-Type: application/json (the request's was {sent}).";
            }
        });
}

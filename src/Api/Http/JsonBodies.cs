using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Http;

/// <summary>The one answer to a body that is not sent as JSON, whether routing or an endpoint notices.</summary>
internal static class JsonBodies
{
    public static string UnsupportedMediaTypeDetail(HttpRequest request)
    {
        var sent = string.IsNullOrEmpty(request.ContentType) ? "none" : request.ContentType;
        return $"Send the body as JSON with Content-Type: application/json (the request's was {sent}).";
    }

    public static ProblemHttpResult UnsupportedMediaType(HttpRequest request) => TypedResults.Problem(
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Unsupported Media Type",
        detail: UnsupportedMediaTypeDetail(request));
}

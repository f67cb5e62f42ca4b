using Microsoft.AspNetCore.Diagnostics;

namespace EventPlatform.Api.Http;

/// <summary>
/// A request the server refuses while an endpoint reads it (a body over the size limit, one cut
/// short, a malformed chunk) surfaces as <see cref="BadHttpRequestException"/>: it is answered with
/// its own status (413, 400 ...) as a ProblemDetails, not as the exception handler's 500.
/// </summary>
internal sealed class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException refused || httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = refused.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = refused.StatusCode,
                Title = refused.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request",

                // The server's own words about the request (no internals): "Request body too large. The max request body size is 1048576 bytes."
                Detail = refused.Message,
            },
        });
    }
}

namespace EventPlatform.Api.Http;

/// <summary>
/// Every response names its request in <c>X-Request-Id</c>, and every problem body carries the same
/// id as <c>requestId</c>: the id a user quotes is the one on the host's log lines for that request.
/// </summary>
public static class RequestIds
{
    public const string Header = "X-Request-Id";
    public const string ProblemField = "requestId";
    private const int MaxLength = 64;

    /// <summary>First in the pipeline, so even a request that fails before routing has its id.</summary>
    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // A caller's (or a proxy's) own id is kept, so one id follows the request end to end.
        if (context.Request.Headers[Header] is [{ } given] && IsAcceptable(given))
        {
            context.TraceIdentifier = given;
        }

        // Set as the response starts: the exception handler clears the headers before it writes a 500.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = context.TraceIdentifier;
            return Task.CompletedTask;
        });
        return next(context);
    });

    public static void AddTo(ProblemDetailsContext problem) =>
        problem.ProblemDetails.Extensions[ProblemField] = problem.HttpContext.TraceIdentifier;

    /// <summary>Only ids that are safe to echo into a header and a log line.</summary>
    private static bool IsAcceptable(string id) =>
        id.Length is > 0 and <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}

using System.Security.Cryptography;
using System.Text;

namespace EventPlatform.Api.Auth.Sessions;

/// <summary>
/// A request that the session cookie authenticates changes nothing unless it repeats the session's
/// token in <c>X-CSRF-Token</c>: another site can make a browser send the cookie (a sibling site on
/// the same host, an old browser without SameSite) but cannot read the token. A request with an API
/// key needs no token: a browser never adds that header on another site's behalf.
/// </summary>
internal static class CsrfProtection
{
    public static IApplicationBuilder UseCsrfProtection(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method)
            || SessionAuthentication.CsrfTokenOf(context.User) is not { } expected
            || Matches(expected, context.Request.Headers[SessionAuthentication.CsrfHeader]))
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Missing CSRF token",
                Detail = $"A request signed in with the session cookie must repeat the session's token in the {SessionAuthentication.CsrfHeader} header.",
            },
        });
    });

    private static bool Matches(string expected, Microsoft.Extensions.Primitives.StringValues presented) =>
        presented.Count == 1 && presented[0] is { } value
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(value));
}

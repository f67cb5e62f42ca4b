using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Auth.Sessions;

/// <summary>Sign-in, who is signed in, and sign-out, for the dashboard (and any browser client).</summary>
internal static class SessionApi
{
    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder endpoints)
    {
        var session = endpoints.MapGroup("/session").WithTags("Session");

        session.MapPost("/", SignInAsync)
            .RequireAuthorization(AuthModule.ApiKeyOnlyPolicy)
            .WithName("SignIn")
            .WithSummary("Exchange an API key for a session cookie")
            .WithDescription("Send the key in X-Api-Key (no body). The answer sets an HttpOnly, SameSite=Strict session cookie (Secure over HTTPS) "
                + "and gives the session's CSRF token, which every state-changing request made with the cookie repeats in X-CSRF-Token. "
                + "A session cookie alone cannot open another session.");

        session.MapGet("/", GetSession)
            .WithName("GetSession")
            .WithSummary("Who is calling")
            .WithDescription("The caller's user and whether it is an admin; for a session, its CSRF token (null when the caller sent an API key).");

        session.MapDelete("/", (Func<HttpContext, Task<NoContent>>)SignOutAsync)
            .WithName("SignOut")
            .WithSummary("End the session")
            .WithDescription("Clears the session cookie; with the cookie, the request repeats the session's CSRF token in X-CSRF-Token (403 otherwise).")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return endpoints;
    }

    private static async Task<Ok<SessionResponse>> SignInAsync(HttpContext context, ApiKeyRing keys)
    {
        // The key scheme authenticated this request, so the header holds exactly one known key.
        var presented = context.Request.Headers[ApiKeyAuthentication.Header][0]!;
        var principal = SessionAuthentication.PrincipalFor(keys.Find(presented)!, presented);
        await context.SignInAsync(SessionAuthentication.SchemeName, principal, new AuthenticationProperties { IsPersistent = false });
        return TypedResults.Ok(SessionResponse.Of(principal));
    }

    private static Ok<SessionResponse> GetSession(ClaimsPrincipal user) => TypedResults.Ok(SessionResponse.Of(user));

    private static async Task<NoContent> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(SessionAuthentication.SchemeName);
        return TypedResults.NoContent();
    }
}

internal sealed record SessionResponse(string UserId, bool Admin, string? CsrfToken)
{
    public static SessionResponse Of(ClaimsPrincipal user)
    {
        var caller = Caller.From(user);
        return new SessionResponse(caller.UserId, caller.IsAdmin, SessionAuthentication.CsrfTokenOf(user));
    }
}

using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace EventPlatform.Api.Auth.Sessions;

/// <summary>
/// The dashboard's session: an API key exchanged once for an HttpOnly, SameSite=Strict cookie
/// (docs/adr/0023-a-dashboard-served-by-the-api.md). The cookie names the user, whether they are an
/// admin, the key's hash (so a key taken out of configuration ends its sessions at once) and the
/// session's CSRF token, which state-changing requests must repeat in <see cref="CsrfHeader"/>.
/// </summary>
internal static class SessionAuthentication
{
    public const string SchemeName = "Session";
    public const string CookieName = "ep_session";
    public const string CsrfHeader = "X-CSRF-Token";

    /// <summary>The scheme every endpoint authenticates with: the key when one is sent, else the session cookie.</summary>
    public const string KeyOrSession = "ApiKeyOrSession";

    private const string CsrfClaim = "ep:csrf";
    private const string KeyHashClaim = "ep:key";

    public static void AddSessionCookie(this AuthenticationBuilder authentication)
    {
        authentication.AddCookie(SchemeName, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.Cookie.Path = "/";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            cookie.SlidingExpiration = true;
            cookie.Events.OnValidatePrincipal = StillValidAsync;
        });

        authentication.AddPolicyScheme(KeyOrSession, displayName: null, policy =>
        {
            policy.ForwardDefaultSelector = context =>
                !context.Request.Headers.ContainsKey(ApiKeyAuthentication.Header) && context.Request.Cookies.ContainsKey(CookieName)
                    ? SchemeName
                    : ApiKeyAuthentication.SchemeName;

            // A refusal reads the same whichever credential was sent: a ProblemDetails 401, not a redirect.
            policy.ForwardChallenge = ApiKeyAuthentication.SchemeName;
            policy.ForwardForbid = ApiKeyAuthentication.SchemeName;
        });
    }

    /// <summary>The session of the key's owner: a new CSRF token each time.</summary>
    public static ClaimsPrincipal PrincipalFor(ApiKey key, string presentedKey)
    {
        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, key.User),
            new(CsrfClaim, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
            new(KeyHashClaim, ApiKeyRing.HashOf(presentedKey)),
        ];
        if (key.Admin)
        {
            claims.Add(new Claim(ClaimTypes.Role, ApiKeyAuthentication.AdminRole));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }

    public static bool IsSession(ClaimsPrincipal user) => user.Identity is { IsAuthenticated: true, AuthenticationType: SchemeName };

    public static string? CsrfTokenOf(ClaimsPrincipal user) => IsSession(user) ? user.FindFirstValue(CsrfClaim) : null;

    private static Task StillValidAsync(CookieValidatePrincipalContext context)
    {
        var ring = context.HttpContext.RequestServices.GetRequiredService<ApiKeyRing>();
        var principal = context.Principal;
        var key = principal?.FindFirstValue(KeyHashClaim) is { } hash ? ring.FindByHash(hash) : null;
        if (principal is null || key is null
            || !string.Equals(key.User, principal.FindFirstValue(ClaimTypes.NameIdentifier), StringComparison.Ordinal)
            || key.Admin != principal.IsInRole(ApiKeyAuthentication.AdminRole))
        {
            context.RejectPrincipal();
            return context.HttpContext.SignOutAsync(SchemeName);
        }

        return Task.CompletedTask;
    }
}

using System.Security.Claims;

namespace EventPlatform.Api.Auth;

/// <summary>The authenticated user behind a request.</summary>
internal sealed record Caller(string UserId, bool IsAdmin)
{
    public static Caller From(ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The request is not authenticated."),
        user.IsInRole(ApiKeyAuthentication.AdminRole));

    /// <summary>Users see only their own jobs; another user's job is reported as not found, not as forbidden.</summary>
    public bool CanSee(string ownerUserId) => IsAdmin || string.Equals(UserId, ownerUserId, StringComparison.Ordinal);
}

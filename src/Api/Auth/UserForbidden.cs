using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Auth;

/// <summary>The 403 for naming another user, or everyone, without an admin key: the detail names the <c>user</c> parameter as the cause.</summary>
internal static class UserForbidden
{
    public static ProblemHttpResult Problem(string reason) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"user: {reason}");
}

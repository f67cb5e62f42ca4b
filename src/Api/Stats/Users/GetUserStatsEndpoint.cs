using System.Security.Claims;
using EventPlatform.Api.Auth;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Stats.Users;

internal static class GetUserStatsEndpoint
{
    public static void Map(IEndpointRouteBuilder stats) =>
        stats.MapGet("/users/{user}", GetUserAsync)
            .WithName("GetUserStats")
            .WithSummary("One user's figures")
            .WithDescription("As GET /stats/users/me, for the named user: yourself, or anyone with an admin key (403 otherwise).")
            .ProducesProblem(StatusCodes.Status403Forbidden);

    private static async Task<Results<Ok<UserStatsResponse>, ProblemHttpResult>> GetUserAsync(
        string user, ClaimsPrincipal principal, IQuerySession session, CancellationToken cancellationToken)
    {
        var caller = Caller.From(principal);
        if (!caller.IsAdmin && user != caller.UserId)
        {
            return UserForbidden.Problem("only an admin may read another user's figures.");
        }

        return TypedResults.Ok(await UserStatsResponse.LoadAsync(session, user, cancellationToken).ConfigureAwait(false));
    }
}

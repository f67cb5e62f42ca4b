using System.Security.Claims;
using EventPlatform.Api.Auth;
using EventPlatform.Api.Http;
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

    private const int MaxUserLength = 256;

    private static async Task<Results<Ok<UserStatsResponse>, ValidationProblem, ProblemHttpResult>> GetUserAsync(
        string user, ClaimsPrincipal principal, IQuerySession session, CancellationToken cancellationToken)
    {
        // The name is looked up in PostgreSQL, which cannot even compare text it could not store.
        if (user.Length > MaxUserLength || !StorableText.IsStorable(user))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["user"] = [$"user must be at most {MaxUserLength} characters, with {StorableText.Rule}."] });
        }

        var caller = Caller.From(principal);
        if (!caller.IsAdmin && user != caller.UserId)
        {
            return UserForbidden.Problem("only an admin may read another user's figures.");
        }

        return TypedResults.Ok(await UserStatsResponse.LoadAsync(session, user, cancellationToken).ConfigureAwait(false));
    }
}

using System.Security.Claims;
using EventPlatform.Api.Auth;
using EventPlatform.Projections.UserJobStats;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Stats.Users;

internal static class ListUserStatsEndpoint
{
    public static void Map(IEndpointRouteBuilder stats) =>
        stats.MapGet("/users", ListUsersAsync)
            .WithName("ListUserStats")
            .WithSummary("Every user's figures")
            .WithDescription("The figures of every user who has submitted a job. Admin keys only (403 otherwise).")
            .ProducesProblem(StatusCodes.Status403Forbidden);

    private static async Task<Results<Ok<IReadOnlyList<UserStatsResponse>>, ProblemHttpResult>> ListUsersAsync(
        ClaimsPrincipal principal, IQuerySession session, CancellationToken cancellationToken)
    {
        if (!Caller.From(principal).IsAdmin)
        {
            return UserForbidden.Problem("only an admin may read every user's figures; GET /stats/users/me has yours.");
        }

        var views = await session.Query<UserJobStatsView>().OrderBy(x => x.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok<IReadOnlyList<UserStatsResponse>>([.. views.Select(UserStatsResponse.From)]);
    }
}

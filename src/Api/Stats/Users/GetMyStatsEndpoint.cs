using System.Security.Claims;
using EventPlatform.Api.Auth;
using Marten;

namespace EventPlatform.Api.Stats.Users;

internal static class GetMyStatsEndpoint
{
    public static void Map(IEndpointRouteBuilder stats) =>
        stats.MapGet("/users/me", GetMineAsync)
            .WithName("GetMyStats")
            .WithSummary("Your jobs' figures")
            .WithDescription("Your jobs per state and the p50/p95 of their run durations (from a histogram: within about 2.5 %). Built by the projection daemon, so a moment behind.");

    private static Task<UserStatsResponse> GetMineAsync(ClaimsPrincipal user, IQuerySession session, CancellationToken cancellationToken) =>
        UserStatsResponse.LoadAsync(session, Caller.From(user).UserId, cancellationToken);
}

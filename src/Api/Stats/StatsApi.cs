using EventPlatform.Api.Stats.Capacity;
using EventPlatform.Api.Stats.Queue;
using EventPlatform.Api.Stats.Throughput;
using EventPlatform.Api.Stats.Users;

namespace EventPlatform.Api.Stats;

/// <summary>
/// The figures views, as the async daemon last left them. Users read their own; another user's,
/// or everyone's, is 403 unless the caller is an admin, as with <c>GET /jobs?user=</c> (ADR 0013).
/// </summary>
internal static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder endpoints)
    {
        var stats = endpoints.MapGroup("/stats").WithTags("Stats");
        GetMyStatsEndpoint.Map(stats);
        GetUserStatsEndpoint.Map(stats);
        ListUserStatsEndpoint.Map(stats);
        GetQueueStatsEndpoint.Map(stats);
        GetCapacityEndpoint.Map(stats);
        GetThroughputEndpoint.Map(stats);
        return endpoints;
    }
}

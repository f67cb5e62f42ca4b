using EventPlatform.Projections.UserJobStats;
using Marten;

namespace EventPlatform.Api.Stats.Users;

internal sealed record UserStatsResponse(string User, JobStateCounts Jobs, RunDurationsResponse RunDurations)
{
    public static UserStatsResponse From(UserJobStatsView view) => new(
        view.Id,
        view.Jobs,
        new RunDurationsResponse(
            view.RunDurations.Count,
            Seconds(view.RunDurations.Percentile(0.5)),
            Seconds(view.RunDurations.Percentile(0.95)),
            Math.Round(DurationHistogram.MaxRelativeError, 4)));

    /// <summary>A user with no view yet (no job submitted, or the daemon not there yet) has all-zero figures.</summary>
    public static async Task<UserStatsResponse> LoadAsync(IQuerySession session, string userId, CancellationToken cancellationToken)
    {
        var view = await session.LoadAsync<UserJobStatsView>(userId, cancellationToken).ConfigureAwait(false);
        return From(view ?? new UserJobStatsView { Id = userId });
    }

    private static double? Seconds(TimeSpan? duration) => duration is { } d ? Math.Round(d.TotalSeconds, 3) : null;
}

/// <summary>Percentiles from a log-bucket histogram: each within <see cref="MaxRelativeError"/> of the exact value.</summary>
internal sealed record RunDurationsResponse(long Count, double? P50Seconds, double? P95Seconds, double MaxRelativeError);

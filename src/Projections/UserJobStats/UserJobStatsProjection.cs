using EventPlatform.Projections.Transitions;
using Marten;

using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Projections.UserJobStats;

/// <summary>Async: per-user figures nobody needs inside the write transaction (docs/adr/0016-figures-rebuild-and-audit.md).</summary>
public sealed class UserJobStatsProjection : JobTransitionProjection
{
    public const string ProjectionName = "UserJobStats";

    protected override async Task ApplyTransitionsAsync(IDocumentOperations operations, IReadOnlyList<JobTransition> transitions, CancellationToken cancellation)
    {
        var users = transitions.Select(t => t.After.UserId).Distinct().ToArray();
        var stored = await operations.LoadManyAsync<UserJobStatsView>(cancellation, users).ConfigureAwait(false);
        var views = stored.ToDictionary(v => v.Id, StringComparer.Ordinal);
        foreach (var (_, before, after) in transitions)
        {
            if (!views.TryGetValue(after.UserId, out var view))
            {
                view = views[after.UserId] = new UserJobStatsView { Id = after.UserId };
            }

            if (before is not null)
            {
                view.Jobs.Add(before.State, -1);
            }

            view.Jobs.Add(after.State, 1);
            if (before is { State: JobPhase.Running, StartedAt: { } started } && after.FinishedAt is { } finished)
            {
                view.RunDurations.Add(finished - started);
            }
        }

        foreach (var view in views.Values)
        {
            operations.Store(view);
        }
    }
}

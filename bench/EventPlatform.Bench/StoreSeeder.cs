using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections;
using Marten;

namespace EventPlatform.Bench;

/// <summary>
/// Fills the store with finished jobs for the read-side stages, written the way the platform
/// writes them: each job a stream of the five events of a successful run, appended through the
/// platform's own Marten configuration so the inline status view is built in the same commit.
/// </summary>
internal sealed class StoreSeeder(Settings settings) : IDisposable
{
    public const string SeedUser = "bench-seed";
    private const int JobsPerCommit = 500;
    private const int EventsPerJob = 5;

    private static readonly JobSpec Spec = new(["true"], 600, JobPriority.Normal, new Dictionary<string, string>()) { MaxAttempts = 1 };

    private readonly DocumentStore store = DocumentStore.For(options =>
        options.ConfigureEventStore(settings.ConnectionString(settings.AppDatabase), Settings.SchemaName));

    /// <summary>Appends <paramref name="jobs"/> finished jobs; returns their ids and how long the appends took.</summary>
    public async Task<SeedRun> SeedAsync(int jobs)
    {
        var ids = new List<Guid>(jobs);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var at = DateTimeOffset.UtcNow.AddDays(-1);
        while (ids.Count < jobs)
        {
            await using var session = store.LightweightSession();
            for (var i = 0; i < JobsPerCommit && ids.Count < jobs; i++)
            {
                var id = Guid.CreateVersion7(at);
                session.Events.StartStream(
                    id,
                    new JobSubmitted(id, SeedUser, Spec, at),
                    new JobQueued(id, 1, at),
                    new JobLaunchRequested(id, 1, at.AddMilliseconds(1)),
                    new JobStarted(id, 1, $"seed-{id:N}", at.AddMilliseconds(2)),
                    new JobSucceeded(id, 1, 0, at.AddMilliseconds(3)));
                ids.Add(id);
                at = at.AddMilliseconds(1);
            }

            await session.SaveChangesAsync().ConfigureAwait(false);
        }

        clock.Stop();
        return new SeedRun(jobs, jobs * EventsPerJob, clock.Elapsed.TotalSeconds, jobs * EventsPerJob / clock.Elapsed.TotalSeconds, ids);
    }

    public void Dispose() => store.Dispose();
}

/// <summary>Finished jobs appended, and the append rate in events per second; the ids go to the status stage, not the report.</summary>
internal sealed record SeedRun(
    int Jobs,
    int Events,
    double Seconds,
    double EventsPerSecond,
    [property: System.Text.Json.Serialization.JsonIgnore] IReadOnlyList<Guid> Ids);

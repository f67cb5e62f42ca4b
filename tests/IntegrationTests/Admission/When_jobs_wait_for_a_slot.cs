using System.Globalization;
using EventPlatform.Contracts.Jobs;
using EventPlatform.IntegrationTests.Sagas;
using EventPlatform.Testing;

namespace EventPlatform.IntegrationTests.Admission;

/// <summary>The order in which waiting jobs get a slot: priority with aging, then users in turn, then FIFO.</summary>
[TestFixture]
[NonParallelizable]
public sealed class When_jobs_wait_for_a_slot
{
    [Test]
    public async Task Should_start_a_high_job_behind_400_low_ones_in_the_next_free_slots()
    {
        await using var platform = await SagaOnPostgres.StartAsync("priority", Caps(global: 10, perUser: 3), fakeLauncher: true);
        for (var i = 0; i < 400; i++)
        {
            await platform.SubmitAsync(Guid.CreateVersion7(), user: $"bulk-{i % 5}", priority: JobPriority.Low, durationMs: 40);
        }

        await WaitForLaunchesAsync(FakeLauncher.Launches.Count + 30);
        var urgent = await platform.SubmitAsync(Guid.CreateVersion7(), user: "urgent", priority: JobPriority.High, durationMs: 10);
        await Eventually.MatchAsync(() => platform.EventTypesAsync(urgent.JobId), events => events.Contains("JobQueued"), TimeSpan.FromSeconds(60), "the high job to stand in line");
        var launchedWhenInLine = FakeLauncher.Launches.Count;

        var position = await PositionAmongLaunchesAsync(urgent.JobId, launchedWhenInLine);

        // Counted from the moment the high job stood in line, not from its submission, which a busy
        // machine may take a while to deliver: only jobs admitted before that (at most every slot) may go first.
        Assert.That(position, Is.LessThanOrEqualTo(GlobalSlotsInFlight), $"the high job was launch #{position} after it stood in line");
    }

    [Test]
    public async Task Should_let_a_second_user_in_before_the_first_users_backlog_drains()
    {
        await using var platform = await SagaOnPostgres.StartAsync("fairness", Caps(global: 4, perUser: 4), fakeLauncher: true);
        for (var i = 0; i < 300; i++)
        {
            await platform.SubmitAsync(Guid.CreateVersion7(), user: "alice", durationMs: 30);
        }

        await WaitForLaunchesAsync(FakeLauncher.Launches.Count + 20);
        var launchedBefore = FakeLauncher.Launches.Count;
        List<Guid> bobs = [];
        for (var i = 0; i < 3; i++)
        {
            bobs.Add((await platform.SubmitAsync(Guid.CreateVersion7(), user: "bob", durationMs: 30)).JobId);
        }

        var positions = new List<int>();
        foreach (var bob in bobs)
        {
            positions.Add(await PositionAmongLaunchesAsync(bob, launchedBefore));
        }

        // Taking turns, bob's three jobs start among the next dozen launches, not after alice's 280 others.
        Assert.That(positions.Max(), Is.LessThan(12), $"bob's launches came at {string.Join(", ", positions)}");
    }

    [Test]
    public async Task Should_age_a_low_job_past_newer_normal_ones()
    {
        var caps = Caps(global: 1, perUser: 1);
        caps["Admission:AgingInterval"] = "00:00:01";
        await using var platform = await SagaOnPostgres.StartAsync("aging", caps, fakeLauncher: true);
        var blocker = await platform.SubmitAsync(Guid.CreateVersion7(), user: "blocker", durationMs: 3_000);
        await platform.SagaStateAsync(blocker.JobId, "Running");
        var old = await platform.SubmitAsync(Guid.CreateVersion7(), user: "patient", priority: JobPriority.Low, durationMs: 10);
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var fresh = await platform.SubmitAsync(Guid.CreateVersion7(), user: "eager", priority: JobPriority.Normal, durationMs: 10);

        await platform.SagaStateAsync(old.JobId, "Succeeded");
        await platform.SagaStateAsync(fresh.JobId, "Succeeded");

        var order = FakeLauncher.Launches.Select(l => l.JobId).Where(id => id == old.JobId || id == fresh.JobId).ToList();
        Assert.That(order, Is.EqualTo(new[] { old.JobId, fresh.JobId }), "two aging intervals made the low job as urgent as a high one");
    }

    /// <summary>What may have been admitted, not yet launched, ahead of a job that joins the line: at most every slot.</summary>
    private const int GlobalSlotsInFlight = 10;

    private static Dictionary<string, string?> Caps(int global, int perUser) => new()
    {
        ["Admission:MaxRunning"] = global.ToString(CultureInfo.InvariantCulture),
        ["Admission:MaxRunningPerUser"] = perUser.ToString(CultureInfo.InvariantCulture),
        ["Admission:PollInterval"] = "00:00:00.050",
    };

    private static async Task WaitForLaunchesAsync(int atLeast) =>
        await Eventually.MatchAsync(() => Task.FromResult(FakeLauncher.Launches.Count), count => count >= atLeast, TimeSpan.FromSeconds(60), $"{atLeast} more launches");

    /// <summary>How many launches came between the first <paramref name="launchedBefore"/> and the job's own (negative: it came among them).</summary>
    private static async Task<int> PositionAmongLaunchesAsync(Guid jobId, int launchedBefore)
    {
        await Eventually.MatchAsync(
            () => Task.FromResult(FakeLauncher.Launches.Any(l => l.JobId == jobId)),
            launched => launched,
            TimeSpan.FromSeconds(60),
            $"job {jobId} to launch");
        return FakeLauncher.Launches.TakeWhile(l => l.JobId != jobId).Count() - launchedBefore;
    }
}

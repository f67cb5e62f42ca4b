using EventPlatform.Projections.UserJobStats;

namespace EventPlatform.IntegrationTests.Projections;

[TestFixture]
[NonParallelizable]
public sealed class When_user_job_stats_are_projected
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private ProjectionsHost host = null!;

    [OneTimeSetUp]
    public async Task Start() => host = await ProjectionsHost.StartAsync("userstats");

    [OneTimeTearDown]
    public async Task Stop() => await host.DisposeAsync();

    [Test]
    public async Task Should_move_a_job_between_the_counts_as_it_goes_from_queued_to_running_to_succeeded()
    {
        // Given a submitted job
        var job = await new JobScript(host, "u-life", T0).SubmitAsync();
        await host.CaughtUpAsync();
        Assert.That(Counts(await StatsAsync("u-life")), Is.EqualTo(new[] { 1, 0, 0, 0, 0, 0, 0 }));

        // When it is launched and starts
        await job.LaunchAsync();
        await host.CaughtUpAsync();
        Assert.That(Counts(await StatsAsync("u-life")), Is.EqualTo(new[] { 0, 1, 0, 0, 0, 0, 0 }));
        await job.StartAsync();
        await host.CaughtUpAsync();
        Assert.That(Counts(await StatsAsync("u-life")), Is.EqualTo(new[] { 0, 0, 1, 0, 0, 0, 0 }));

        // When it succeeds after 12 s
        await job.SucceedAsync(TimeSpan.FromSeconds(12));
        await host.CaughtUpAsync();

        // Then it counts once, as succeeded, with its run's duration
        var stats = await StatsAsync("u-life");
        Assert.That(Counts(stats), Is.EqualTo(new[] { 0, 0, 0, 1, 0, 0, 0 }));
        Assert.That(stats.RunDurations.Count, Is.EqualTo(1));
        Assert.That(stats.RunDurations.Percentile(0.5)!.Value.TotalSeconds, Is.EqualTo(12).Within(12 * DurationHistogram.MaxRelativeError));
    }

    [Test]
    public async Task Should_count_a_retried_job_as_queued_again_and_once_when_it_ends()
    {
        // Given a running job
        var job = await new JobScript(host, "u-retry", T0).SubmitAsync();
        await job.LaunchAsync();
        await job.StartAsync();
        await host.CaughtUpAsync();

        // When its task is interrupted and it goes back in line
        await job.RetryAsync(TimeSpan.FromSeconds(30));
        await host.CaughtUpAsync();

        // Then it is queued, not running, and the interrupted run is not a job's run duration
        var waiting = await StatsAsync("u-retry");
        Assert.That(Counts(waiting), Is.EqualTo(new[] { 1, 0, 0, 0, 0, 0, 0 }));
        Assert.That(waiting.RunDurations.Count, Is.Zero);

        // When the next attempt runs 4 s and fails for good
        await job.LaunchAsync();
        await job.StartAsync();
        await job.FailAsync(TimeSpan.FromSeconds(4));
        await host.CaughtUpAsync();

        var ended = await StatsAsync("u-retry");
        Assert.That(Counts(ended), Is.EqualTo(new[] { 0, 0, 0, 0, 1, 0, 0 }));
        Assert.That(ended.RunDurations.Percentile(0.5)!.Value.TotalSeconds, Is.EqualTo(4).Within(4 * DurationHistogram.MaxRelativeError));
    }

    [Test]
    public async Task Should_take_a_cancelled_job_from_whichever_state_it_was_in()
    {
        // Given one queued, one starting and one running job
        var queued = await new JobScript(host, "u-cancel", T0).SubmitAsync();
        var starting = await new JobScript(host, "u-cancel", T0).SubmitAsync();
        await starting.LaunchAsync();
        var running = await new JobScript(host, "u-cancel", T0).SubmitAsync();
        await running.LaunchAsync();
        await running.StartAsync();
        await host.CaughtUpAsync();
        Assert.That(Counts(await StatsAsync("u-cancel")), Is.EqualTo(new[] { 1, 1, 1, 0, 0, 0, 0 }));

        // When all three are cancelled
        await queued.CancelAsync(taskRuns: false);
        await starting.CancelAsync(taskRuns: true);
        await running.CancelAsync(taskRuns: true, TimeSpan.FromSeconds(7));
        await host.CaughtUpAsync();

        // Then all three are cancelled and nothing else; only the running one had a run
        var stats = await StatsAsync("u-cancel");
        Assert.That(Counts(stats), Is.EqualTo(new[] { 0, 0, 0, 0, 0, 0, 3 }));
        Assert.That(stats.RunDurations.Count, Is.EqualTo(1));
        Assert.That(stats.RunDurations.Percentile(1)!.Value.TotalSeconds, Is.EqualTo(8).Within(8 * DurationHistogram.MaxRelativeError));
    }

    [Test]
    public async Task Should_give_each_user_their_own_figures_after_a_realistic_mix()
    {
        // Given ten jobs of one user with runs of 1..10 s, and two of another user
        for (var i = 1; i <= 10; i++)
        {
            var job = await new JobScript(host, "u-mix", T0.AddMinutes(i)).SubmitAsync();
            await job.LaunchAsync();
            await job.StartAsync();
            await (i % 5 == 0 ? job.TimeOutAsync(TimeSpan.FromSeconds(i)) : i % 3 == 0 ? job.FailAsync(TimeSpan.FromSeconds(i)) : job.SucceedAsync(TimeSpan.FromSeconds(i)));
        }

        var other = await new JobScript(host, "u-other", T0).SubmitAsync();
        await other.LaunchAsync();
        await new JobScript(host, "u-other", T0).SubmitAsync();
        await host.CaughtUpAsync();

        // Then
        var mix = await StatsAsync("u-mix");
        Assert.That(Counts(mix), Is.EqualTo(new[] { 0, 0, 0, 5, 3, 2, 0 }));
        Assert.That(mix.RunDurations.Count, Is.EqualTo(10));
        Assert.That(mix.RunDurations.Percentile(0.5)!.Value.TotalSeconds, Is.EqualTo(5).Within(5 * DurationHistogram.MaxRelativeError));
        Assert.That(mix.RunDurations.Percentile(0.95)!.Value.TotalSeconds, Is.EqualTo(10).Within(10 * DurationHistogram.MaxRelativeError));
        Assert.That(Counts(await StatsAsync("u-other")), Is.EqualTo(new[] { 1, 1, 0, 0, 0, 0, 0 }));
    }

    private async Task<UserJobStatsView> StatsAsync(string userId) =>
        await host.LoadAsync<UserJobStatsView>(userId) ?? throw new AssertionException($"no stats for {userId}");

    private static int[] Counts(UserJobStatsView stats) =>
        [stats.Jobs.Queued, stats.Jobs.Starting, stats.Jobs.Running, stats.Jobs.Succeeded, stats.Jobs.Failed, stats.Jobs.TimedOut, stats.Jobs.Cancelled];
}

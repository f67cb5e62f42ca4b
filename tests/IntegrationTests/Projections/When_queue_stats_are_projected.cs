using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections.QueueStats;

namespace EventPlatform.IntegrationTests.Projections;

/// <summary>One database per test: the queue figures are global.</summary>
[TestFixture]
[NonParallelizable]
public sealed class When_queue_stats_are_projected
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private ProjectionsHost host = null!;

    [SetUp]
    public async Task Start() => host = await ProjectionsHost.StartAsync("queuestats");

    [TearDown]
    public async Task Stop() => await host.DisposeAsync();

    [Test]
    public async Task Should_count_waiting_jobs_per_priority_and_the_starting_and_running_ones()
    {
        // Given two high, one normal and one low job in line
        var high1 = await new JobScript(host, "alice", T0, JobPriority.High).SubmitAsync();
        await new JobScript(host, "alice", T0.AddSeconds(1), JobPriority.High).SubmitAsync();
        var normal = await new JobScript(host, "bob", T0.AddSeconds(2)).SubmitAsync();
        await new JobScript(host, "bob", T0.AddSeconds(3), JobPriority.Low).SubmitAsync();
        await host.CaughtUpAsync();
        Assert.That(Figures(await QueueAsync()), Is.EqualTo(new[] { 2, 1, 1, 0, 0 }));

        // When one high job starts running and the normal one is launched
        await high1.LaunchAsync();
        await high1.StartAsync();
        await normal.LaunchAsync();
        await host.CaughtUpAsync();

        // Then
        Assert.That(Figures(await QueueAsync()), Is.EqualTo(new[] { 1, 0, 1, 1, 1 }));
    }

    [Test]
    public async Task Should_name_the_next_oldest_when_the_oldest_stops_waiting()
    {
        // Given three jobs in line, submitted a minute apart
        var first = await new JobScript(host, "alice", T0).SubmitAsync();
        var second = await new JobScript(host, "alice", T0.AddMinutes(1)).SubmitAsync();
        var third = await new JobScript(host, "bob", T0.AddMinutes(2)).SubmitAsync();
        await host.CaughtUpAsync();
        Assert.That((await QueueAsync()).OldestWaiting, Is.EqualTo(new WaitingJob(first.JobId, JobPriority.Normal, T0)));

        // When the oldest is launched and the second is cancelled
        await first.LaunchAsync();
        await host.CaughtUpAsync();
        Assert.That((await QueueAsync()).OldestWaiting!.Id, Is.EqualTo(second.JobId));
        await second.CancelAsync(taskRuns: false);
        await host.CaughtUpAsync();

        // Then the third is the oldest waiting
        var queue = await QueueAsync();
        Assert.That(queue.OldestWaiting, Is.EqualTo(new WaitingJob(third.JobId, JobPriority.Normal, T0.AddMinutes(2))));
        Assert.That(Figures(queue), Is.EqualTo(new[] { 0, 1, 0, 1, 0 }));
    }

    [Test]
    public async Task Should_count_a_retry_as_waiting_again_from_when_it_went_back_in_line()
    {
        // Given a running job
        var job = await new JobScript(host, "alice", T0, JobPriority.Low).SubmitAsync();
        await job.LaunchAsync();
        await job.StartAsync();
        await host.CaughtUpAsync();
        Assert.That(Figures(await QueueAsync()), Is.EqualTo(new[] { 0, 0, 0, 0, 1 }));
        Assert.That((await QueueAsync()).OldestWaiting, Is.Null);

        // When its task is interrupted 30 s later and it waits for a retry
        await job.RetryAsync(TimeSpan.FromSeconds(30));
        await host.CaughtUpAsync();

        // Then it waits again, since the retry was scheduled, and runs no more
        var queue = await QueueAsync();
        Assert.That(Figures(queue), Is.EqualTo(new[] { 0, 0, 1, 0, 0 }));
        Assert.That(queue.OldestWaiting, Is.EqualTo(new WaitingJob(job.JobId, JobPriority.Low, T0.AddSeconds(32))));

        // When the retry is cancelled in line
        await job.CancelAsync(taskRuns: false);
        await host.CaughtUpAsync();

        queue = await QueueAsync();
        Assert.That(Figures(queue), Is.EqualTo(new[] { 0, 0, 0, 0, 0 }));
        Assert.That(queue.OldestWaiting, Is.Null);
    }

    private async Task<QueueStatsView> QueueAsync() =>
        await host.LoadAsync<QueueStatsView>(QueueStatsView.SingletonId) ?? throw new AssertionException("no queue figures");

    private static int[] Figures(QueueStatsView queue) => [queue.Queued.High, queue.Queued.Normal, queue.Queued.Low, queue.Starting, queue.Running];
}

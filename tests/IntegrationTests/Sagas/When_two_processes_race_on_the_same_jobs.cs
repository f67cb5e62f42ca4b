using EventPlatform.Contracts.Tasks;

namespace EventPlatform.IntegrationTests.Sagas;

/// <summary>
/// Two saga hosts on one database, as two processes would be: each job's task events are
/// delivered to both, shuffled and duplicated, all at once. Optimistic concurrency and the
/// attempt checks must leave each job with the right outcome, recorded exactly once.
/// </summary>
[TestFixture]
public sealed class When_two_processes_race_on_the_same_jobs
{
    private const int Jobs = 200;
    private static readonly string[] TerminalEvents = ["JobSucceeded", "JobFailed", "JobTimedOut", "JobCancelled"];

    [Test]
    public async Task Should_end_each_job_once_in_the_state_its_task_earned()
    {
        // Room for every job at once: this test is about racing task events, not admission.
        var roomy = new Dictionary<string, string?> { ["Admission:MaxRunning"] = "1000", ["Admission:MaxRunningPerUser"] = "1000" };
        await using var first = await SagaOnPostgres.StartAsync("race", roomy);
        await using var second = await SagaOnPostgres.StartAsync("race", roomy, first.ConnectionString);

        var jobIds = new List<Guid>();
        for (var i = 0; i < Jobs; i++)
        {
            jobIds.Add((await first.SubmitAsync(Guid.CreateVersion7())).JobId);
        }

        foreach (var jobId in jobIds)
        {
            await first.SagaStateAsync(jobId, "Starting");
        }

        var random = new Random(20261122);
        var deliveries = jobIds.SelectMany((jobId, index) =>
        {
            object started = new TaskStarted(jobId, 1, $"task-{index}", DateTimeOffset.UtcNow);
            object stopped = new TaskStopped(jobId, 1, $"task-{index}", ExpectedExitCode(index), "EssentialContainerExited", null, DateTimeOffset.UtcNow);
            object lateOtherAttempt = new TaskStopped(jobId, 7, $"task-{index}-old", 0, "EssentialContainerExited", null, DateTimeOffset.UtcNow);
            return new[] { started, stopped, stopped, started, lateOtherAttempt };
        }).OrderBy(_ => random.Next()).ToList();

        await Task.WhenAll(deliveries.Select((message, i) =>
            (i % 2 == 0 ? first : second).Harness.Bus.Publish(message, message.GetType())));

        for (var index = 0; index < jobIds.Count; index++)
        {
            var expected = ExpectedExitCode(index) == 0 ? "Succeeded" : "Failed";
            await first.SagaStateAsync(jobIds[index], expected, TimeSpan.FromSeconds(60));
            var types = await first.EventTypesAsync(jobIds[index]);
            Assert.That(types.Count(t => TerminalEvents.Contains(t)), Is.EqualTo(1), $"job {index}: {string.Join(", ", types)}");
            Assert.That(types.Count(t => t == "JobStarted"), Is.LessThanOrEqualTo(1), $"job {index}: {string.Join(", ", types)}");
        }
    }

    private static int ExpectedExitCode(int index) => index % 3 == 0 ? 2 : 0;
}

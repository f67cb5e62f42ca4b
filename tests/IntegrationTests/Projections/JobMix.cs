using EventPlatform.Contracts.Jobs;

namespace EventPlatform.IntegrationTests.Projections;

/// <summary>Many jobs with every kind of life, appended transition by transition as the API and the saga do.</summary>
internal static class JobMix
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Job <c>i</c>'s life is <c>i % 10</c>; returns the job ids in order.</summary>
    public static async Task<IReadOnlyList<Guid>> AppendAsync(ProjectionsHost host, int jobs, int concurrency = 4)
    {
        var ids = new Guid[jobs];
        await Parallel.ForAsync(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
        {
            var priority = (JobPriority)(i % 3);
            var job = await new JobScript(host, $"user-{i % 7}", T0.AddSeconds(i), priority).SubmitAsync();
            ids[i] = job.JobId;
            await LiveAsync(job, i % 10, TimeSpan.FromMilliseconds(100 + (i * 37 % 5000)));
        });
        return ids;
    }

    private static async Task LiveAsync(JobScript job, int life, TimeSpan run)
    {
        switch (life)
        {
            case 0:
                return;
            case 1:
                await job.LaunchAsync();
                return;
            case 2:
                await job.CancelAsync(taskRuns: false);
                return;
        }

        await job.LaunchAsync();
        await job.StartAsync();
        switch (life)
        {
            case 3:
                return;
            case 4:
                await job.FailAsync(run);
                return;
            case 5:
                await job.TimeOutAsync(run);
                return;
            case 6:
                await job.CancelAsync(taskRuns: true, run);
                return;
            case 7:
                await job.RetryAsync(run);
                return;
            case 8:
                await job.RetryAsync(run);
                await job.LaunchAsync();
                await job.StartAsync();
                await job.SucceedAsync(run);
                return;
            default:
                await job.SucceedAsync(run);
                return;
        }
    }
}

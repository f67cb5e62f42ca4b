using EventPlatform.Contracts.Jobs;

namespace EventPlatform.IntegrationTests.Projections;

/// <summary>The events the API and the saga append for one job, one transition at a time, with times set by the test.</summary>
internal sealed class JobScript(ProjectionsHost host, string userId, DateTimeOffset at, JobPriority priority = JobPriority.Normal)
{
    public Guid JobId { get; } = Guid.CreateVersion7();

    public int Attempt { get; private set; } = 1;

    public DateTimeOffset At { get; private set; } = at;

    public async Task<JobScript> SubmitAsync()
    {
        await host.AppendAsync(JobId, new JobSubmitted(JobId, userId, ProjectionsHost.Spec(priority), At));
        await host.AppendAsync(JobId, new JobQueued(JobId, Attempt, At));
        return this;
    }

    public Task LaunchAsync(TimeSpan? after = null) => host.AppendAsync(JobId, new JobLaunchRequested(JobId, Attempt, Advance(after)));

    public Task StartAsync(TimeSpan? after = null) => host.AppendAsync(JobId, new JobStarted(JobId, Attempt, $"task-{JobId:N}-{Attempt}", Advance(after)));

    public Task SucceedAsync(TimeSpan after) => host.AppendAsync(JobId, new JobSucceeded(JobId, Attempt, 0, Advance(after)));

    public Task FailAsync(TimeSpan after) => host.AppendAsync(JobId, new JobFailed(JobId, Attempt, 1, "Command exited with code 1.", Advance(after)));

    public Task TimeOutAsync(TimeSpan after) => host.AppendAsync(JobId, new JobTimedOut(JobId, Attempt, 60, Advance(after)));

    /// <summary>A retryable failure: back to Queued for a back-off, then in line again as the next attempt.</summary>
    public async Task RetryAsync(TimeSpan after)
    {
        var now = Advance(after);
        await host.AppendAsync(JobId, new JobRetryScheduled(JobId, Attempt, Attempt + 1, "The task was interrupted.", now.AddSeconds(1), now));
        Attempt++;
        await host.AppendAsync(JobId, new JobQueued(JobId, Attempt, Advance(TimeSpan.FromSeconds(1))));
    }

    /// <summary>A cancel while queued ends the job at once; while starting or running it waits for the task to stop.</summary>
    public async Task CancelAsync(bool taskRuns, TimeSpan? after = null)
    {
        var now = Advance(after);
        if (taskRuns)
        {
            await host.AppendAsync(JobId, new JobCancelRequested(JobId, Attempt, "alice", null, now));
            await host.AppendAsync(JobId, new JobCancelled(JobId, Attempt, "The task stopped.", Advance(TimeSpan.FromSeconds(1))));
        }
        else
        {
            await host.AppendAsync(JobId, new JobCancelRequested(JobId, Attempt, "alice", null, now), new JobCancelled(JobId, Attempt, "Cancelled before it was launched.", now));
        }
    }

    private DateTimeOffset Advance(TimeSpan? by) => At += by ?? TimeSpan.FromSeconds(1);
}

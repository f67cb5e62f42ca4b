using System.Globalization;
using EventPlatform.Contracts;
using EventPlatform.Contracts.Tasks;
using Microsoft.Extensions.Logging;

namespace EventPlatform.EcsBridge.Ecs;

/// <summary>
/// Runs each job attempt as a Fargate task. What happens to the task afterwards arrives as
/// EventBridge task state changes, not from here.
/// </summary>
internal sealed partial class EcsTaskLauncher(EcsClient ecs, TimeProvider clock, ILogger<EcsTaskLauncher> logger) : ITaskLauncher
{
    /// <summary>
    /// DescribeTasks tells how the attempt really is: stopped (its EventBridge event was lost: say it
    /// now), running (say so to an asker who knows no task yet), still starting (nothing to say), or
    /// unknown to ECS. Without a task id the attempt's tasks are found by <c>startedBy</c> and the
    /// attempt tag RunTask set, among live and recently stopped tasks.
    /// </summary>
    public async Task<IJobMessage?> ReconcileAsync(ReconcileTask task, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> candidates = task.TaskId is { } taskId
            ? [taskId]
            : await ecs.ListTasksOfJobAsync(task.JobId, cancellationToken).ConfigureAwait(false);
        List<EcsTaskStatus> described = candidates.Count == 0
            ? []
            : (await ecs.DescribeTasksAsync(candidates, cancellationToken).ConfigureAwait(false)).Tasks
                .Where(t => task.TaskId is null ? t.Attempt == task.Attempt : t.TaskArn == task.TaskId)
                .ToList();

        // Several tasks of one attempt only if a launch was repeated outside RunTask's client token:
        // a live one is the attempt; stopping the others is the saga's (it stops unwanted tasks).
        if (described.FirstOrDefault(t => t.LastStatus != "STOPPED") is { } live)
        {
            return live.LastStatus == "RUNNING" && task.TaskId is null
                ? new TaskStarted(task.JobId, task.Attempt, live.TaskArn, live.StartedAt ?? clock.GetUtcNow())
                : null;
        }

        if (described.FirstOrDefault() is { } stopped)
        {
            return new TaskStopped(
                task.JobId,
                task.Attempt,
                stopped.TaskArn,
                stopped.ExitCode,
                stopped.StopCode ?? "Unknown",
                stopped.StoppedReason,
                stopped.StoppedAt ?? clock.GetUtcNow());
        }

        // A launch still on its way cannot be recalled here: should its task start after all, the
        // saga, which has moved on, stops it as unwanted.
        return task.TaskId is not null || task.RelaunchIfUnknown ? TaskLost.For(task, clock) : null;
    }

    public async Task LaunchAsync(LaunchTask launch, CancellationToken cancellationToken)
    {
        // The job's own size; Fargate refuses combinations it does not offer, and that refusal
        // comes back as a launch failure that is not retried, with ECS's reason.
        var limits = launch.Spec.Limits;
        var run = new TaskRun(
            launch.JobId,
            launch.Attempt,
            launch.Spec.Command,
            launch.Spec.Env,
            limits.Cpu.ToString(CultureInfo.InvariantCulture),
            limits.MemoryMiB.ToString(CultureInfo.InvariantCulture),
            launch.CorrelationId,
            launch.TraceParent);
        var result = await ecs.RunTaskAsync(run, cancellationToken).ConfigureAwait(false);
        if (!result.Launched)
        {
            LogLaunchFailed(launch.JobId, launch.Attempt, result.Retryable, result.FailureReason);
            throw new TaskLaunchException(result.FailureReason!, result.Retryable);
        }

        LogLaunched(launch.JobId, launch.Attempt, result.TaskArn!);
    }

    public async Task StopAsync(StopTask stop, CancellationToken cancellationToken)
    {
        if (stop.TaskId is { } taskId)
        {
            await StopOneAsync(stop, taskId, cancellationToken).ConfigureAwait(false);
            return;
        }

        // No start was seen, so the task's ARN is unknown: find the job's live tasks by
        // startedBy, and stop only this attempt's, which a late stop must not confuse with a
        // newer attempt's task.
        var live = await ecs.ListLiveTasksAsync(stop.JobId, cancellationToken).ConfigureAwait(false);
        if (live.Count == 0)
        {
            LogNothingToStop(stop.JobId, stop.Attempt);
            return;
        }

        var described = await ecs.DescribeTasksAsync(live, cancellationToken).ConfigureAwait(false);
        var ofThisAttempt = described.Tasks.Where(t => t.Attempt == stop.Attempt).ToList();
        if (ofThisAttempt.Count == 0)
        {
            LogNothingToStop(stop.JobId, stop.Attempt);
            return;
        }

        foreach (var task in ofThisAttempt)
        {
            await StopOneAsync(stop, task.TaskArn, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StopOneAsync(StopTask stop, string taskId, CancellationToken cancellationToken)
    {
        try
        {
            await ecs.StopTaskAsync(taskId, stop.Reason, cancellationToken).ConfigureAwait(false);
            LogStopRequested(stop.JobId, stop.Attempt, taskId, stop.Reason);
        }
        catch (EcsCallException ex) when (!ex.Error.Retryable)
        {
            // A task ECS no longer knows (stopped and forgotten) cannot be stopped and needs not
            // be; a redelivery would get the same answer, so the stop ends here, on record.
            LogStopRefused(ex, stop.JobId, stop.Attempt, taskId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Launched job {JobId} attempt {Attempt} as {TaskArn}")]
    private partial void LogLaunched(Guid jobId, int attempt, string taskArn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} attempt {Attempt} was not launched (retryable: {Retryable}): {Reason}")]
    private partial void LogLaunchFailed(Guid jobId, int attempt, bool retryable, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Asked ECS to stop job {JobId} attempt {Attempt} ({TaskArn}): {Reason}")]
    private partial void LogStopRequested(Guid jobId, int attempt, string taskArn, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stop of job {JobId} attempt {Attempt}: ECS runs no task of it")]
    private partial void LogNothingToStop(Guid jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ECS refused to stop job {JobId} attempt {Attempt} ({TaskArn})")]
    private partial void LogStopRefused(Exception exception, Guid jobId, int attempt, string taskArn);
}

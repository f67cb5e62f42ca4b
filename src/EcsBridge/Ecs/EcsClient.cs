using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using EventPlatform.Contracts.Agent;
using EventPlatform.Contracts.Artifacts;
using EventPlatform.EcsBridge.Aws;
using EventPlatform.EcsBridge.TaskEvents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventPlatform.EcsBridge.Ecs;

/// <summary>
/// The four ECS calls the bridge makes, through <see cref="AwsJsonCaller"/> (there is no AWSSDK.ECS
/// here, ADR 7). Throttling, 5xx and network errors are retried with backoff and jitter; RunTask
/// is paced by a token bucket and made idempotent per job attempt with a client token, so a
/// retried or redelivered launch never starts a second task.
/// </summary>
internal sealed class EcsClient : IDisposable
{
    public const string TargetPrefix = "AmazonEC2ContainerServiceV20141113.";
    public const string JobIdTag = "eventplatform:job-id";
    public const string AttemptTag = "eventplatform:attempt";

    /// <summary>StopTask refuses a longer reason.</summary>
    public const int MaxStopReasonLength = 255;

    /// <summary>DescribeTasks takes at most this many tasks per call.</summary>
    private const int DescribeBatchSize = 100;

    private readonly EcsOptions settings;
    private readonly AwsJsonCaller caller;
    private readonly LaunchPacer pacer;

    public EcsClient(
        HttpClient http,
        IOptions<EcsOptions> options,
        AwsCredentialSource credentials,
        TimeProvider clock,
        ILogger<EcsClient> logger)
    {
        settings = options.Value;
        caller = new AwsJsonCaller(
            http,
            new AwsJsonService("ECS", settings.ResolveEndpoint(), settings.Region, "ecs", TargetPrefix),
            settings.CallPolicy,
            credentials,
            clock,
            logger);
        pacer = new LaunchPacer(settings.LaunchBurst, settings.LaunchesPerSecond);
    }

    public async Task<RunTaskResult> RunTaskAsync(TaskRun run, CancellationToken cancellationToken)
    {
        var outcome = await CallAsync(
            "RunTask",
            BuildRunTask(run),
            EcsApiJson.Default.RunTaskRequest,
            EcsApiJson.Default.RunTaskResponse,
            paced: true,
            cancellationToken).ConfigureAwait(false);

        if (outcome.Error is { } error)
        {
            var why = error.IsThrottling ? "RunTask was still throttled after its retries" : "RunTask failed";
            return RunTaskResult.Failed(error.Retryable, $"{why}: {error}");
        }

        var response = outcome.Value!;
        if (response.Failures is [var failure, ..])
        {
            return RunTaskResult.Failed(
                IsRetryableFailure(failure.Reason),
                $"ECS could not start the task: {failure.Reason}{(failure.Detail is { Length: > 0 } detail ? $" ({detail})" : string.Empty)}");
        }

        return response.Tasks is [{ TaskArn: { } taskArn }, ..]
            ? RunTaskResult.Started(taskArn)
            : RunTaskResult.Failed(retryable: true, "RunTask answered with neither a task nor a failure.");
    }

    /// <summary>Asks ECS to stop a task (ARN or id); stopping a stopped task is not an error.</summary>
    public async Task StopTaskAsync(string task, string reason, CancellationToken cancellationToken)
    {
        var request = new StopTaskRequest(
            settings.Cluster,
            task,
            reason.Length <= MaxStopReasonLength ? reason : reason[..MaxStopReasonLength]);
        var outcome = await CallAsync(
            "StopTask", request, EcsApiJson.Default.StopTaskRequest, EcsApiJson.Default.StopTaskResponse, paced: false, cancellationToken)
            .ConfigureAwait(false);
        if (outcome.Error is { } error)
        {
            throw new EcsCallException("StopTask", error);
        }
    }

    public async Task<DescribeTasksResult> DescribeTasksAsync(IReadOnlyCollection<string> tasks, CancellationToken cancellationToken)
    {
        var found = new List<EcsTaskStatus>();
        var failures = new List<Failure>();
        foreach (var batch in tasks.Chunk(DescribeBatchSize))
        {
            var outcome = await CallAsync(
                "DescribeTasks",
                new DescribeTasksRequest(settings.Cluster, batch, ["TAGS"]),
                EcsApiJson.Default.DescribeTasksRequest,
                EcsApiJson.Default.DescribeTasksResponse,
                paced: false,
                cancellationToken).ConfigureAwait(false);
            if (outcome.Error is { } error)
            {
                throw new EcsCallException("DescribeTasks", error);
            }

            found.AddRange(outcome.Value!.Tasks?.Where(t => t.TaskArn is not null).Select(ToStatus) ?? []);
            failures.AddRange(outcome.Value.Failures ?? []);
        }

        return new DescribeTasksResult(found, failures);
    }

    /// <summary>The tasks of a job that ECS still means to run (PENDING or RUNNING), by <c>startedBy</c>.</summary>
    public Task<IReadOnlyList<string>> ListLiveTasksAsync(Guid jobId, CancellationToken cancellationToken) =>
        ListTasksAsync(jobId, "RUNNING", cancellationToken);

    /// <summary>Every task of a job ECS knows: those it means to run, then those stopped recently (ECS forgets them after about an hour).</summary>
    public async Task<IReadOnlyList<string>> ListTasksOfJobAsync(Guid jobId, CancellationToken cancellationToken) =>
    [
        .. await ListTasksAsync(jobId, "RUNNING", cancellationToken).ConfigureAwait(false),
        .. await ListTasksAsync(jobId, "STOPPED", cancellationToken).ConfigureAwait(false),
    ];

    private async Task<IReadOnlyList<string>> ListTasksAsync(Guid jobId, string desiredStatus, CancellationToken cancellationToken)
    {
        var arns = new List<string>();
        string? nextToken = null;
        do
        {
            var outcome = await CallAsync(
                "ListTasks",
                new ListTasksRequest(settings.Cluster, jobId.ToString(), desiredStatus, nextToken),
                EcsApiJson.Default.ListTasksRequest,
                EcsApiJson.Default.ListTasksResponse,
                paced: false,
                cancellationToken).ConfigureAwait(false);
            if (outcome.Error is { } error)
            {
                throw new EcsCallException("ListTasks", error);
            }

            arns.AddRange(outcome.Value!.TaskArns ?? []);
            nextToken = outcome.Value.NextToken;
        }
        while (nextToken is not null);

        return arns;
    }

    public void Dispose() => pacer.Dispose();

    /// <summary>
    /// Capacity (RESOURCE:*), an agent or placement hiccup, or a reason we do not know may pass;
    /// a task definition or cluster that is missing or inactive will not. Unknown reasons count
    /// as retryable because the job's retries are bounded, while failing a job over a passing
    /// condition is not undone.
    /// </summary>
    internal static bool IsRetryableFailure(string? reason) =>
        reason is null
        || !(reason.StartsWith("MISSING", StringComparison.Ordinal)
            || reason.StartsWith("INACTIVE", StringComparison.Ordinal)
            || reason.StartsWith("ATTRIBUTE", StringComparison.Ordinal));

    internal RunTaskRequest BuildRunTask(TaskRun run)
    {
        var attempt = run.Attempt.ToString(CultureInfo.InvariantCulture);
        var jobId = run.JobId.ToString();
        var ours = new List<EnvironmentVariable>
        {
            new(TaskVariables.JobId, jobId),
            new(TaskVariables.Attempt, attempt),
            new(TaskVariables.StopGraceSeconds, ((int)settings.StopGrace.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
            new(TaskVariables.ArtifactsBucket, settings.ArtifactsBucket),
            new(TaskVariables.ArtifactsPrefix, ArtifactLayout.AttemptPrefix(settings.ArtifactsPrefix, run.JobId, run.Attempt)),
        };
        if (run.CorrelationId is { } correlationId)
        {
            ours.Add(new(TaskVariables.CorrelationId, correlationId.ToString("N")));
        }

        if (run.TraceParent is { Length: > 0 } traceParent)
        {
            ours.Add(new(TaskVariables.TraceParent, traceParent));
        }

        // Sorted, so a redelivered launch sends the same parameters with the same client token
        // (ECS answers ConflictException otherwise); the platform's own variables win. Prefixed, so
        // that only the command gets them under their names, never the Agent (TaskVariables).
        var jobVariables = run.Environment
            .Where(e => !TaskVariables.IsReserved(e.Key))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new EnvironmentVariable(TaskVariables.JobVariablePrefix + e.Key, e.Value))
            .ToList();
        var environment = jobVariables.Concat(ours).ToList();

        return new RunTaskRequest(
            Cluster: settings.Cluster,
            TaskDefinition: settings.TaskDefinition,
            LaunchType: "FARGATE",
            Count: 1,
            StartedBy: jobId,
            ClientToken: $"{run.JobId:N}-{attempt}",
            NetworkConfiguration: new NetworkConfiguration(
                new AwsVpcConfiguration([.. settings.Subnets], [.. settings.SecurityGroups], AssignPublicIp: "DISABLED")),
            Overrides: new TaskOverride(
                [new ContainerOverride(EcsTaskStateChange.JobContainerName, run.Command, environment)],
                run.Cpu,
                run.Memory),
            Tags: [new Tag(JobIdTag, jobId), new Tag(AttemptTag, attempt)]);
    }

    private static EcsTaskStatus ToStatus(EcsTask task)
    {
        var attemptTag = task.Tags?.FirstOrDefault(t => t.Key == AttemptTag)?.Value;
        var jobContainer = task.Containers?.FirstOrDefault(c => c.Name == EcsTaskStateChange.JobContainerName)
            ?? task.Containers?.FirstOrDefault();
        return new EcsTaskStatus(
            task.TaskArn!,
            task.LastStatus,
            task.DesiredStatus,
            task.StartedBy,
            int.TryParse(attemptTag, NumberStyles.Integer, CultureInfo.InvariantCulture, out var attempt) ? attempt : null,
            task.StopCode,
            task.StoppedReason,
            jobContainer?.ExitCode,
            FromEpochSeconds(task.StartedAt),
            FromEpochSeconds(task.StoppedAt));
    }

    private static DateTimeOffset? FromEpochSeconds(double? seconds) =>
        seconds is { } value ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(value * 1000)) : null;

    private Task<AwsCallOutcome<TResponse>> CallAsync<TRequest, TResponse>(
        string operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        bool paced,
        CancellationToken cancellationToken)
        where TResponse : class =>
        // A retry is another call against the same ECS limit, so a paced call's retries wait their turn too.
        caller.CallAsync(operation, request, requestType, responseType, paced ? pacer.WaitAsync : null, cancellationToken);
}

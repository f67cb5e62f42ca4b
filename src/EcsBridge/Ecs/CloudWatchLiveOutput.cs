using System.Globalization;
using System.Text;
using EventPlatform.Contracts.Agent;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.Aws;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventPlatform.EcsBridge.Ecs;

/// <summary>
/// A running ECS attempt's output, read from the agent's log group, where the awslogs driver ships
/// the Agent's JSON lines. The task id is not recorded for a job, so the lines are found by their
/// own fields (FilterLogEvents with a JSON filter pattern on jobId and attempt), every page of them,
/// and only the command's stdout and stderr lines are kept, in time order.
/// </summary>
internal sealed class CloudWatchLiveOutput : ILiveOutput
{
    public const string TargetPrefix = "Logs_20140328.";

    /// <summary>The agent task definition's <c>awslogs-stream-prefix</c>: its streams are agent/{container}/{task id}.</summary>
    public const string AgentStreamPrefix = "agent/";

    private readonly AwsJsonCaller caller;
    private readonly string logGroup;

    public CloudWatchLiveOutput(
        HttpClient http,
        IOptions<EcsOptions> options,
        AwsCredentialSource credentials,
        TimeProvider clock,
        ILogger<CloudWatchLiveOutput> logger)
    {
        var settings = options.Value;
        logGroup = settings.AgentLogGroup;
        caller = new AwsJsonCaller(
            http,
            new AwsJsonService("CloudWatch Logs", settings.ResolveLogsEndpoint(), settings.Region, "logs", TargetPrefix),
            settings.CallPolicy,
            credentials,
            clock,
            logger);
    }

    public async Task<Stream> OpenAsync(Guid jobId, int attempt, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(logGroup))
        {
            throw new LiveOutputUnavailableException("Ecs:AgentLogGroup is not set, so the output of a running task cannot be read.", transient: false);
        }

        var events = new List<FilteredLogEvent>();
        var pattern = FilterPattern(jobId, attempt);
        string? nextToken = null;
        do
        {
            var outcome = await caller.CallAsync(
                "FilterLogEvents",
                new FilterLogEventsRequest(logGroup, AgentStreamPrefix, pattern, nextToken),
                CloudWatchLogsJson.Default.FilterLogEventsRequest,
                CloudWatchLogsJson.Default.FilterLogEventsResponse,
                beforeEachTry: null,
                cancellationToken).ConfigureAwait(false);
            if (outcome.Error is { } error)
            {
                throw new LiveOutputUnavailableException($"CloudWatch Logs FilterLogEvents failed: {error}", error.Retryable);
            }

            events.AddRange(outcome.Value!.Events ?? []);

            // A page may be empty while the search goes on; only a missing token ends it.
            nextToken = outcome.Value.NextToken is { Length: > 0 } next && next != nextToken ? next : null;
        }
        while (nextToken is not null);

        var text = new StringBuilder();
        foreach (var line in events
            .OrderBy(e => e.Timestamp ?? 0)
            .Select(e => e.Message is null ? null : AgentLogRecord.CommandOutput(e.Message))
            .OfType<string>())
        {
            text.Append(line).Append('\n');
        }

        return new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()), writable: false);
    }

    /// <summary>Matches the Agent's records (src/Agent/AgentLog.cs) of this job's attempt and no other.</summary>
    internal static string FilterPattern(Guid jobId, int attempt) => string.Create(
        CultureInfo.InvariantCulture,
        $"{{ ($.{AgentLogRecord.JobIdField} = \"{jobId:D}\") && ($.{AgentLogRecord.AttemptField} = {attempt}) }}");
}

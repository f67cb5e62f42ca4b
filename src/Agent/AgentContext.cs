using System.Globalization;

namespace EventPlatform.Agent;

/// <summary>Who the agent works for and how it stops: set by the launcher through the task's environment.</summary>
internal sealed record AgentContext(string JobId, int Attempt, TimeSpan StopGrace, bool ExitWithParent = false, string? CorrelationId = null)
{
    public const string ExitWithParentVariable = "EP_EXIT_WITH_PARENT";
    public const string JobIdVariable = "EP_JOB_ID";
    public const string AttemptVariable = "EP_ATTEMPT";
    public const string StopGraceVariable = "EP_STOP_GRACE_SECONDS";

    /// <summary>The job's correlation id, on every line the agent writes, as on every event of the job.</summary>
    public const string CorrelationIdVariable = "EP_CORRELATION_ID";

    /// <summary>Below ECS's default 30 s stopTimeout, so the agent, not ECS, decides when to kill.</summary>
    public static readonly TimeSpan DefaultStopGrace = TimeSpan.FromSeconds(10);

    public static AgentContext FromEnvironment() => new(
        Environment.GetEnvironmentVariable(JobIdVariable) ?? "unknown",
        ReadInt(AttemptVariable) ?? 0,
        ReadInt(StopGraceVariable) is { } seconds and >= 0 ? TimeSpan.FromSeconds(seconds) : DefaultStopGrace,
        ReadInt(ExitWithParentVariable) == 1,
        Environment.GetEnvironmentVariable(CorrelationIdVariable) is { Length: > 0 } correlationId ? correlationId : null);

    private static int? ReadInt(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}

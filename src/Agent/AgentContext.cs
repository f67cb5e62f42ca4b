using System.Globalization;

namespace EventPlatform.Agent;

/// <summary>Who the agent works for: set by the launcher through the task's environment.</summary>
internal sealed record AgentContext(string JobId, int Attempt)
{
    public const string JobIdVariable = "EP_JOB_ID";
    public const string AttemptVariable = "EP_ATTEMPT";

    public static AgentContext FromEnvironment() => new(
        Environment.GetEnvironmentVariable(JobIdVariable) ?? "unknown",
        int.TryParse(Environment.GetEnvironmentVariable(AttemptVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var attempt)
            ? attempt
            : 0);
}

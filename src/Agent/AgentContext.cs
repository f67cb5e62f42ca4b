using System.Globalization;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Agent;

/// <summary>Who the agent works for and how it stops: set by the launcher through the task's environment.</summary>
internal sealed record AgentContext(
    string JobId, int Attempt, TimeSpan StopGrace, bool ExitWithParent = false, string? CorrelationId = null, string? TraceId = null)
{
    /// <summary>Below ECS's default 30 s stopTimeout, so the agent, not ECS, decides when to kill.</summary>
    public static readonly TimeSpan DefaultStopGrace = TimeSpan.FromSeconds(10);

    public static AgentContext FromEnvironment() => new(
        Environment.GetEnvironmentVariable(TaskVariables.JobId) ?? "unknown",
        ReadInt(TaskVariables.Attempt) ?? 0,
        ReadInt(TaskVariables.StopGraceSeconds) is { } seconds and >= 0 ? TimeSpan.FromSeconds(seconds) : DefaultStopGrace,
        ReadInt(TaskVariables.ExitWithParent) == 1,
        Environment.GetEnvironmentVariable(TaskVariables.CorrelationId) is { Length: > 0 } correlationId ? correlationId : null,
        TraceIdOf(Environment.GetEnvironmentVariable(TaskVariables.TraceParent)));

    /// <summary>The trace id of a W3C traceparent (<c>00-{trace id}-{span id}-{flags}</c>); null for anything else.</summary>
    internal static string? TraceIdOf(string? traceParent) =>
        System.Diagnostics.ActivityContext.TryParse(traceParent, traceState: null, out var parent) ? parent.TraceId.ToHexString() : null;

    private static int? ReadInt(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}

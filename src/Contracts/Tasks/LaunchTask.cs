using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Contracts.Tasks;

/// <summary>Asks the task launcher (ECS, or the local launcher) to run one attempt of a job.</summary>
public sealed record LaunchTask(Guid JobId, int Attempt, JobSpec Spec) : IJobMessage
{
    /// <summary>
    /// The job's correlation id (the conversation its submission started, on every event of its
    /// stream). The task carries it, so that its state changes come back in the job's conversation
    /// and the Agent's log lines name it.
    /// </summary>
    public Guid? CorrelationId { get; init; }

    /// <summary>
    /// The job's trace (W3C <c>traceparent</c> of the transition that asked for the launch), the same for
    /// every delivery of this message: the task carries it (<c>EP_TRACEPARENT</c>).
    /// </summary>
    public string? TraceParent { get; init; }
}

namespace EventPlatform.Contracts;

/// <summary>
/// A bus message about one job. Log scopes, dead letters and re-drives read the job from here, and
/// the dead-letter recorders are registered for every message type that implements it.
/// </summary>
public interface IJobMessage
{
    Guid JobId { get; }
}

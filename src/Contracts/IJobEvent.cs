namespace EventPlatform.Contracts;

/// <summary>
/// An event a job's stream holds. The event store registers every type that implements it, so any
/// stream can be read back; a shipped event's meaning never changes (add a new one instead).
/// </summary>
public interface IJobEvent
{
    Guid JobId { get; }
}

namespace EventPlatform.EcsBridge;

/// <summary>A launcher could not start a task; <see cref="Retryable"/> says whether another attempt may succeed.</summary>
#pragma warning disable CA1032 // Thrown with its reason only; the standard constructors would allow a reason-less failure.
public sealed class TaskLaunchException(string reason, bool retryable) : Exception(reason)
#pragma warning restore CA1032
{
    public bool Retryable { get; } = retryable;
}

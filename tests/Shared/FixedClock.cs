namespace EventPlatform.Testing;

/// <summary>Stops the wall clock (for signing, for event times); timers and delays still run in real time.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

namespace EventPlatform.Agent.Tests;

/// <summary>A clock that moves only when told to; wall time and the monotonic timestamp move together.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private TimeSpan elapsed;

    public override DateTimeOffset GetUtcNow() => start + elapsed;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => elapsed.Ticks;

    public void Advance(TimeSpan by) => elapsed += by;
}

namespace EventPlatform.Sagas.Tests.Jobs;

/// <summary>A clock that never moves, so the timestamps the saga records can be asserted exactly.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

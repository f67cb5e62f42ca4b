namespace EventPlatform.Sagas.Admission;

public sealed class AdmissionOptions
{
    public const string Section = "Admission";

    /// <summary>Jobs in Starting or Running (or being stopped) across the platform.</summary>
    public int MaxRunning { get; set; } = 32;

    /// <summary>Jobs in Starting or Running per user, unless <see cref="UserLimits"/> names the user.</summary>
    public int MaxRunningPerUser { get; set; } = 8;

    /// <summary>Per-user overrides of <see cref="MaxRunningPerUser"/>.</summary>
    public IDictionary<string, int> UserLimits { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Jobs one user may have waiting for a slot; submissions past it are refused.</summary>
    public int MaxQueuedPerUser { get; set; } = 10_000;

    /// <summary>Each such wait raises a job one priority level, so a low job is never starved.</summary>
    public TimeSpan AgingInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often an idle controller looks for work; releases and arrivals also wake it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>An admission the saga has not taken up by then is published again (the first may be lost).</summary>
    public TimeSpan RedeliverAfter { get; set; } = TimeSpan.FromSeconds(15);

    public bool RunController { get; set; } = true;

    public int CapFor(string userId) => UserLimits.TryGetValue(userId, out var cap) ? cap : MaxRunningPerUser;
}

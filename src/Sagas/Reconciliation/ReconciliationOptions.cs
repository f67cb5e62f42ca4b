namespace EventPlatform.Sagas.Reconciliation;

public sealed class ReconciliationOptions
{
    public const string Section = "Reconciliation";

    /// <summary>The first pass: soon after start-up, when a restarted host most needs it.</summary>
    public TimeSpan StartupDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    public bool RunReconciler { get; set; } = true;
}

namespace EventPlatform.Sagas.Jobs;

public sealed class JobLifecycleOptions
{
    public const string Section = "JobLifecycle";

    /// <summary>Added to a job's timeout before the run deadline fires, so a job that ends on time is not reaped.</summary>
    public TimeSpan RunDeadlineGrace { get; set; } = TimeSpan.FromSeconds(5);
}

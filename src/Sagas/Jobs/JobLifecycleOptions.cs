namespace EventPlatform.Sagas.Jobs;

public sealed class JobLifecycleOptions
{
    public const string Section = "JobLifecycle";

    /// <summary>Added to a job's timeout before the run deadline fires, so a job that ends on time is not reaped.</summary>
    public TimeSpan RunDeadlineGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A launched task that has not reported running by then is stopped and the attempt fails (retryably).</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// How long the launcher has to say what became of an attempt that did not start in time or whose
    /// launch failed, before the attempt is given up as lost.
    /// </summary>
    public TimeSpan ReconcileTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After a cancel's stop request, how long to wait for the task to confirm before ending the job anyway.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>First retry back-off; doubles with each attempt up to <see cref="RetryBackoffMax"/>, half of it jittered.</summary>
    public TimeSpan RetryBackoffBase { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryBackoffMax { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// If the publish of a submission is lost, the job's stored submission is published again
    /// after this long; the saga cancels that timer as soon as it sees the job.
    /// </summary>
    public TimeSpan SubmissionRecoveryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>ECS stop codes that mean the platform, not the job, failed: the attempt is retried.</summary>
    public IList<string> RetryableStopCodes { get; } = ["TaskFailedToStart", "SpotInterruption", "TerminationNotice", "TaskLost"];

    /// <summary>Exit codes with which the Agent reports its own failure rather than the command's.</summary>
    public IList<int> AgentFailureExitCodes { get; } = [125];
}

using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Projections.EventStore;

/// <summary>Every event a job stream may hold; registered up front so any stream can be read back.</summary>
public static class JobEventTypes
{
    public static IReadOnlyList<Type> All { get; } =
    [
        typeof(JobSubmitted),
        typeof(JobQueued),
        typeof(JobLaunchRequested),
        typeof(JobStarted),
        typeof(JobSucceeded),
        typeof(JobFailed),
        typeof(JobTimedOut),
        typeof(JobRetryScheduled),
        typeof(JobCancelRequested),
        typeof(JobCancelled),
    ];
}

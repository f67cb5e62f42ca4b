namespace EventPlatform.EcsBridge.TaskEvents;

/// <summary>Variables every launcher sets on a task; the Agent reads them and task events carry them back.</summary>
internal static class TaskEnvironment
{
    public const string JobId = "EP_JOB_ID";
    public const string Attempt = "EP_ATTEMPT";
    public const string StopGraceSeconds = "EP_STOP_GRACE_SECONDS";

    /// <summary>Set by the local launcher only: its tasks are child processes that must not outlive it.</summary>
    public const string ExitWithParent = "EP_EXIT_WITH_PARENT";

    /// <summary>The name of the job's container in the task definition and in every override.</summary>
    public const string JobContainerName = "job";
}

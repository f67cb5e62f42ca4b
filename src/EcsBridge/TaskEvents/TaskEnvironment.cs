namespace EventPlatform.EcsBridge.TaskEvents;

/// <summary>Variables every launcher sets on a task; the Agent reads them and task events carry them back.</summary>
internal static class TaskEnvironment
{
    public const string JobId = "EP_JOB_ID";
    public const string Attempt = "EP_ATTEMPT";
    public const string StopGraceSeconds = "EP_STOP_GRACE_SECONDS";

    /// <summary>The job's correlation id: its task's events return in the job's conversation, and the Agent logs it.</summary>
    public const string CorrelationId = "EP_CORRELATION_ID";

    /// <summary>Set by the local launcher only: its tasks are child processes that must not outlive it.</summary>
    public const string ExitWithParent = "EP_EXIT_WITH_PARENT";

    /// <summary>Where the Agent stores the attempt's artifacts: a bucket and the attempt's key prefix (ECS, the emulator)...</summary>
    public const string ArtifactsBucket = "EP_ARTIFACTS_BUCKET";
    public const string ArtifactsPrefix = "EP_ARTIFACTS_PREFIX";

    /// <summary>... or a local folder, the prefix then relative to it (the local launcher's default).</summary>
    public const string ArtifactsRoot = "EP_ARTIFACTS_ROOT";

    /// <summary>An S3-compatible endpoint instead of AWS S3, such as the emulator.</summary>
    public const string S3ServiceUrl = "EP_S3_SERVICE_URL";

    /// <summary>
    /// The job's own variables reach the Agent under this prefix (<c>EP_JOB_ENV__NAME</c>), inert for
    /// the Agent and for whatever runs as root before the command: a job's LD_PRELOAD or
    /// DOTNET_STARTUP_HOOKS must not reach them. The command's last step sets them under their names.
    /// </summary>
    public const string JobVariablePrefix = "EP_JOB_ENV__";

    /// <summary>The name of the job's container in the task definition and in every override.</summary>
    public const string JobContainerName = "job";
}

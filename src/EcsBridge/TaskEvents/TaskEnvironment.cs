namespace EventPlatform.EcsBridge.TaskEvents;

/// <summary>Variables every launcher sets on a task; the Agent reads them and task events carry them back.</summary>
internal static class TaskEnvironment
{
    public const string JobId = "EP_JOB_ID";
    public const string Attempt = "EP_ATTEMPT";
    public const string StopGraceSeconds = "EP_STOP_GRACE_SECONDS";

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
    /// The names of the job's own variables as a JSON array (ECS launcher): on ECS they arrive mixed with
    /// the container's and ECS's own, and an Agent that runs the command as another user
    /// (<c>EP_COMMAND_UID</c>) passes it only these and the platform's documented EP_* variables.
    /// </summary>
    public const string JobVariables = "EP_JOB_VARIABLES";

    /// <summary>The name of the job's container in the task definition and in every override.</summary>
    public const string JobContainerName = "job";
}

namespace EventPlatform.Contracts.Agent;

/// <summary>
/// The task's environment: what every launcher (ECS, the local ones) sets and the Agent reads. Task
/// state change events carry the job, the attempt and the correlation id back.
/// </summary>
public static class TaskVariables
{
    public const string JobId = "EP_JOB_ID";
    public const string Attempt = "EP_ATTEMPT";
    public const string StopGraceSeconds = "EP_STOP_GRACE_SECONDS";

    /// <summary>The job's correlation id: its task's events return in the job's conversation, and the Agent logs it.</summary>
    public const string CorrelationId = "EP_CORRELATION_ID";

    /// <summary>
    /// The job's trace as a W3C <c>traceparent</c> (the saga transition that launched the attempt): the
    /// Agent's log lines name its trace id, and the task's state changes come back in the job's trace.
    /// </summary>
    public const string TraceParent = "EP_TRACEPARENT";

    /// <summary>Set by the local launcher only: its tasks are child processes that must not outlive it.</summary>
    public const string ExitWithParent = "EP_EXIT_WITH_PARENT";

    /// <summary>Where the Agent stores the attempt's artifacts: a bucket and the attempt's key prefix (ECS, the emulator)...</summary>
    public const string ArtifactsBucket = "EP_ARTIFACTS_BUCKET";
    public const string ArtifactsPrefix = "EP_ARTIFACTS_PREFIX";

    /// <summary>... or a local folder, the prefix then relative to it (the local launcher's default).</summary>
    public const string ArtifactsRoot = "EP_ARTIFACTS_ROOT";

    /// <summary>An S3-compatible endpoint instead of AWS S3, such as the emulator.</summary>
    public const string S3ServiceUrl = "EP_S3_SERVICE_URL";

    /// <summary>The folder the command writes its own artifacts into; the Agent sets it for the command.</summary>
    public const string ArtifactsDirectory = "EP_ARTIFACTS_DIR";

    /// <summary>Set by the ECS task definition: the unprivileged uid the Agent runs the command as (docs/adr/0015).</summary>
    public const string CommandUid = "EP_COMMAND_UID";

    /// <summary>
    /// The job's own variables reach the Agent under this prefix (<c>EP_JOB_ENV__NAME</c>), inert for
    /// the Agent and for whatever runs as root before the command: a job's LD_PRELOAD or
    /// DOTNET_STARTUP_HOOKS must not reach them. The command's last step sets them under their names.
    /// </summary>
    public const string JobVariablePrefix = "EP_JOB_ENV__";

    /// <summary>The AWS credentials a launcher may hand the Agent for its store; never the command's.</summary>
    public static readonly IReadOnlyList<string> StoreCredentials = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

    /// <summary>
    /// The platform speaks to the Agent through these (its job, attempt, artifact store, AWS
    /// credentials): a job that set them could point the Agent's signed uploads elsewhere.
    /// </summary>
    public static readonly IReadOnlyList<string> ReservedPrefixes = ["EP_", "AWS_"];

    public static bool IsReserved(string name) =>
        ReservedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
}

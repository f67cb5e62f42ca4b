namespace EventPlatform.Api.Jobs.Submitting;

/// <summary>
/// How much a job may carry (section <see cref="Section"/>). The defaults keep every job launchable:
/// a task's overrides on ECS hold at most 8,192 characters of JSON, and the job's command and env
/// are what fills them (docs/reliability.md, "Hostile input").
/// </summary>
public sealed class SubmissionLimits
{
    public const string Section = "Limits:Submissions";

    /// <summary>UTF-8 bytes of all the command's arguments together.</summary>
    public int MaxCommandBytes { get; set; } = 4_096;

    public int MaxEnvVariables { get; set; } = 64;

    /// <summary>UTF-8 bytes of one env value.</summary>
    public int MaxEnvValueBytes { get; set; } = 2_048;

    /// <summary>UTF-8 bytes of every env name and value together.</summary>
    public int MaxEnvBytes { get; set; } = 4_096;

    /// <summary>
    /// Characters the command and env take in the task's launch request, as JSON (escapes included)
    /// and with the prefix the launch gives each variable: 8,192 less 1,024 for the platform's own
    /// variables (job id, attempt, artifact bucket and prefix, correlation id) and the overrides' frame.
    /// </summary>
    public int MaxLaunchCharacters { get; set; } = 7_168;

    public int MaxLabels { get; set; } = 20;

    public int MaxLabelKeyLength { get; set; } = 63;

    public int MaxLabelValueLength { get; set; } = 256;
}

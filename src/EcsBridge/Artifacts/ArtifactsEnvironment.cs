using EventPlatform.EcsBridge.TaskEvents;

namespace EventPlatform.EcsBridge.Artifacts;

/// <summary>What a locally launched Agent is told about where to store the attempt's artifacts.</summary>
internal static class ArtifactsEnvironment
{
    /// <summary>
    /// Set by the launcher only, never by a job: a job naming another endpoint would have the
    /// Agent, which runs outside the command's sandbox, send requests wherever the job likes.
    /// </summary>
    public static readonly string[] Reserved =
    [
        TaskEnvironment.ArtifactsBucket,
        TaskEnvironment.ArtifactsPrefix,
        TaskEnvironment.ArtifactsRoot,
        TaskEnvironment.S3ServiceUrl,
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ];

    public static IEnumerable<KeyValuePair<string, string>> For(ArtifactsOptions options, Guid jobId, int attempt)
    {
        if (options.EffectiveStore == ArtifactStoreKind.Local)
        {
            yield return new(TaskEnvironment.ArtifactsRoot, Path.GetFullPath(options.LocalRoot));
            yield return new(TaskEnvironment.ArtifactsPrefix, ArtifactLayout.AttemptPrefix(string.Empty, jobId, attempt));
            yield break;
        }

        yield return new(TaskEnvironment.ArtifactsBucket, options.Bucket);
        yield return new(TaskEnvironment.ArtifactsPrefix, ArtifactLayout.AttemptPrefix(options.Prefix, jobId, attempt));
        yield return new("AWS_REGION", options.EffectiveRegion);
        if (options.ServiceUrl is { } serviceUrl)
        {
            yield return new(TaskEnvironment.S3ServiceUrl, serviceUrl.ToString());
        }

        if (options.EffectiveCredentials is { } credentials)
        {
            yield return new("AWS_ACCESS_KEY_ID", credentials.AccessKeyId);
            yield return new("AWS_SECRET_ACCESS_KEY", credentials.SecretAccessKey);
        }
    }
}

using EventPlatform.Contracts.Agent;

namespace EventPlatform.Contracts.Artifacts;

/// <summary>What a locally launched Agent is told about where to store the attempt's artifacts.</summary>
public static class ArtifactVariables
{
    /// <summary>
    /// Set by the launcher only, never by a job: a job naming another endpoint would have the
    /// Agent, which runs outside the command's sandbox, send requests wherever the job likes.
    /// </summary>
    public static IReadOnlyList<string> Reserved { get; } =
    [
        TaskVariables.ArtifactsBucket,
        TaskVariables.ArtifactsPrefix,
        TaskVariables.ArtifactsRoot,
        TaskVariables.S3ServiceUrl,
        .. TaskVariables.StoreCredentials,
    ];

    public static IEnumerable<KeyValuePair<string, string>> For(ArtifactsOptions options, Guid jobId, int attempt)
    {
        if (options.EffectiveStore == ArtifactStoreKind.Local)
        {
            yield return new(TaskVariables.ArtifactsRoot, Path.GetFullPath(options.LocalRoot));
            yield return new(TaskVariables.ArtifactsPrefix, ArtifactLayout.AttemptPrefix(string.Empty, jobId, attempt));
            yield break;
        }

        yield return new(TaskVariables.ArtifactsBucket, options.Bucket);
        yield return new(TaskVariables.ArtifactsPrefix, ArtifactLayout.AttemptPrefix(options.Prefix, jobId, attempt));
        yield return new("AWS_REGION", options.EffectiveRegion);
        if (options.ServiceUrl is { } serviceUrl)
        {
            yield return new(TaskVariables.S3ServiceUrl, serviceUrl.ToString());
        }

        if (options.EffectiveCredentials is { } credentials)
        {
            yield return new("AWS_ACCESS_KEY_ID", credentials.AccessKeyId);
            yield return new("AWS_SECRET_ACCESS_KEY", credentials.SecretAccessKey);
        }
    }
}

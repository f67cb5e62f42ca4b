using EventPlatform.Contracts.Agent;
using EventPlatform.Contracts.Artifacts;
namespace EventPlatform.Agent.Artifacts;

/// <summary>
/// Where this attempt's artifacts go, as the launcher set it in the task's environment: an S3
/// bucket (ECS, or the emulator through <see cref="TaskVariables.S3ServiceUrl"/>) or a local folder (the
/// local launcher's default). The store's credentials are taken out of the environment here, so
/// the command, which inherits the agent's environment, never sees them.
/// </summary>
internal sealed record ArtifactSettings(
    string? Bucket,
    string? LocalRoot,
    string Prefix,
    Uri? S3ServiceUrl,
    string? Region,
    StoreCredentials? Credentials)
{
    public bool HasStore => !string.IsNullOrEmpty(Bucket) || !string.IsNullOrEmpty(LocalRoot);

    /// <summary>Where the store is, for log lines: s3://bucket/prefix or the local folder.</summary>
    public string Location => !string.IsNullOrEmpty(Bucket) ? $"s3://{Bucket}/{Prefix}" : Path.Combine(LocalRoot ?? string.Empty, Prefix);

    public static ArtifactSettings TakeFromEnvironment(AgentContext context)
    {
        var prefix = Read(TaskVariables.ArtifactsPrefix) ?? ArtifactLayout.AttemptPrefix(string.Empty, context.JobId, context.Attempt);
        var serviceUrl = Uri.TryCreate(Read(TaskVariables.S3ServiceUrl), UriKind.Absolute, out var url) ? url : null;
        StoreCredentials? credentials = Read("AWS_ACCESS_KEY_ID") is { } accessKey && Read("AWS_SECRET_ACCESS_KEY") is { } secretKey
            ? new StoreCredentials(accessKey, secretKey, Read("AWS_SESSION_TOKEN"))
            : null;
        var settings = new ArtifactSettings(
            Read(TaskVariables.ArtifactsBucket),
            Read(TaskVariables.ArtifactsRoot) is { } root ? Path.GetFullPath(root) : null,
            prefix.EndsWith('/') ? prefix : prefix + "/",
            serviceUrl,
            Read("AWS_REGION") ?? Read("AWS_DEFAULT_REGION"),
            credentials);
        foreach (var variable in TaskVariables.StoreCredentials.Append(TaskVariables.ArtifactsRoot))
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        return settings;
    }

    public IArtifactStore? CreateStore() =>
        !string.IsNullOrEmpty(Bucket) ? new S3ArtifactStore(this)
        : !string.IsNullOrEmpty(LocalRoot) ? new LocalArtifactStore(Path.Combine(LocalRoot, Prefix))
        : null;

    private static string? Read(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null;
}

internal sealed record StoreCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    // Never printed: a record's generated ToString would show the secret.
    public override string ToString() => $"StoreCredentials {{ AccessKeyId = {AccessKeyId} }}";
}

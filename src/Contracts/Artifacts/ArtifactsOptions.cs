namespace EventPlatform.Contracts.Artifacts;

public enum ArtifactStoreKind
{
    /// <summary>S3 when a bucket is configured, else the local folder.</summary>
    Auto,
    Local,
    S3,
}

/// <summary>
/// Where job artifacts are kept (configuration section "Artifacts"). The local launchers tell each
/// Agent where to upload from these (<see cref="ArtifactVariables"/>); the API lists and serves what
/// is there. Each module that reads it binds the section itself.
/// </summary>
public sealed class ArtifactsOptions
{
    public const string Section = "Artifacts";

    public ArtifactStoreKind Store { get; set; }

    /// <summary>
    /// The local store (<c>{LocalRoot}/jobs/{jobId}/attempt-{n}/</c>) and, with either store, the
    /// local launcher's live logs (<c>{LocalRoot}/live/</c>).
    /// </summary>
    public string LocalRoot { get; set; } = Path.Combine(Path.GetTempPath(), "eventplatform-artifacts");

    public string Bucket { get; set; } = string.Empty;

    /// <summary>Put before <c>jobs/</c> in every key, e.g. "staging/"; empty by default.</summary>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>An S3-compatible endpoint such as the emulator (path-style addressing); null for AWS S3.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Null takes the SDK's (AWS_REGION); with <see cref="ServiceUrl"/> it defaults to us-east-1.</summary>
    public string? Region { get; set; }

    /// <summary>Fixed credentials, for an emulator; unset, the SDK's default chain finds them (ECS task role, environment, profile).</summary>
    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    /// <summary>How long a download URL works, pre-signed or local.</summary>
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Signs the local store's download URLs (base64, at least 32 bytes); a random key per start when unset.</summary>
    public string? SigningKey { get; set; }

    public ArtifactStoreKind EffectiveStore => Store switch
    {
        ArtifactStoreKind.Auto => string.IsNullOrWhiteSpace(Bucket) ? ArtifactStoreKind.Local : ArtifactStoreKind.S3,
        _ => Store,
    };

    public string EffectiveRegion => Region is { Length: > 0 } region ? region : "us-east-1";

    /// <summary>The emulator accepts any key; it still needs one to sign with.</summary>
    public (string AccessKeyId, string SecretAccessKey)? EffectiveCredentials =>
        AccessKeyId is { Length: > 0 } && SecretAccessKey is { Length: > 0 } ? (AccessKeyId, SecretAccessKey)
        : ServiceUrl is not null ? ("test", "test")
        : null;

    public const string StoreProblem = "Artifacts:Store S3 needs Artifacts:Bucket.";
    public const string UrlLifetimeProblem = "Artifacts:UrlLifetime must be above zero and at most 7 days (S3's limit).";

    /// <summary>False when S3 is asked for without a bucket (<see cref="StoreProblem"/>).</summary>
    public bool HasStore => EffectiveStore != ArtifactStoreKind.S3 || !string.IsNullOrWhiteSpace(Bucket);

    /// <summary>Download URLs live within S3's bounds (<see cref="UrlLifetimeProblem"/>).</summary>
    public bool HasUsableUrlLifetime => UrlLifetime > TimeSpan.Zero && UrlLifetime <= TimeSpan.FromDays(7);
}

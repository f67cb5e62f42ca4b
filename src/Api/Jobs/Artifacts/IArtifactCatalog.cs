namespace EventPlatform.Api.Jobs.Artifacts;

/// <summary>The API's view of the artifact store the Agents write to: S3 (pre-signed URLs) or the local folder (URLs this API signs and serves).</summary>
internal interface IArtifactCatalog
{
    /// <summary>
    /// The attempt's artifacts by name, each with a download URL that expires; empty when there are
    /// none (yet). <paramref name="apiBase"/> is this API's address as the caller reached it, for
    /// URLs the API serves itself.
    /// </summary>
    Task<IReadOnlyList<ArtifactLink>> ListAsync(Guid jobId, int attempt, Uri apiBase, CancellationToken cancellationToken);

    /// <summary>One artifact's content, or null when the attempt has no such artifact.</summary>
    Task<Stream?> OpenAsync(Guid jobId, int attempt, string name, CancellationToken cancellationToken);
}

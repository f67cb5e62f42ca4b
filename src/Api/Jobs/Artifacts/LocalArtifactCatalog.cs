using EventPlatform.Contracts.Artifacts;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Artifacts;

/// <summary>The local store: files under the artifacts root, downloaded through URLs this API signs (<c>GET /artifacts/{token}</c>).</summary>
internal sealed class LocalArtifactCatalog(LocalArtifactFiles files, ArtifactUrlSigner signer, IOptions<ArtifactsOptions> options, TimeProvider clock) : IArtifactCatalog
{
    public Task<IReadOnlyList<ArtifactLink>> ListAsync(Guid jobId, int attempt, Uri apiBase, CancellationToken cancellationToken)
    {
        var prefix = ArtifactLayout.AttemptPrefix(string.Empty, jobId, attempt);
        var expiresAt = ArtifactUrlSigner.ExpiryFrom(clock.GetUtcNow(), options.Value.UrlLifetime);
        IReadOnlyList<ArtifactLink> links =
        [
            .. files.List(prefix).Select(entry => new ArtifactLink(
                entry.Name,
                entry.File.Length,
                new Uri(apiBase, $"artifacts/{signer.Sign(prefix + entry.Name, expiresAt)}"),
                expiresAt)),
        ];
        return Task.FromResult(links);
    }

    public Task<Stream?> OpenAsync(Guid jobId, int attempt, string name, CancellationToken cancellationToken)
    {
        var path = files.PathOf(ArtifactLayout.AttemptPrefix(string.Empty, jobId, attempt) + name);
        try
        {
            return Task.FromResult<Stream?>(path is null ? null : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }
}

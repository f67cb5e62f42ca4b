using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using EventPlatform.Contracts.Artifacts;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Artifacts;

/// <summary>Artifacts in S3 (or the emulator), downloaded straight from S3 through pre-signed GET URLs.</summary>
internal sealed class S3ArtifactCatalog(IAmazonS3 s3, IOptions<ArtifactsOptions> options, TimeProvider clock) : IArtifactCatalog, IDisposable
{
    private readonly ArtifactsOptions settings = options.Value;

    public async Task<IReadOnlyList<ArtifactLink>> ListAsync(Guid jobId, int attempt, Uri apiBase, CancellationToken cancellationToken)
    {
        var prefix = ArtifactLayout.AttemptPrefix(settings.Prefix, jobId, attempt);
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((clock.GetUtcNow() + settings.UrlLifetime).ToUnixTimeSeconds());
        var links = new List<ArtifactLink>();
        var request = new ListObjectsV2Request { BucketName = settings.Bucket, Prefix = prefix };
        do
        {
            var page = await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                var name = item.Key[prefix.Length..];
                if (name.Length == 0 || name.EndsWith('/'))
                {
                    continue;
                }

                var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
                {
                    BucketName = settings.Bucket,
                    Key = item.Key,
                    Verb = HttpVerb.GET,
                    Expires = expiresAt.UtcDateTime,
                    Protocol = settings.ServiceUrl?.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS,
                }).ConfigureAwait(false);
                links.Add(new ArtifactLink(name, item.Size ?? 0, new Uri(url), expiresAt));
            }

            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);

        return [.. links.OrderBy(link => link.Name, StringComparer.Ordinal)];
    }

    public async Task<Stream?> OpenAsync(Guid jobId, int attempt, string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await s3.GetObjectAsync(settings.Bucket, ArtifactLayout.AttemptPrefix(settings.Prefix, jobId, attempt) + name, cancellationToken).ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public void Dispose() => s3.Dispose();
}

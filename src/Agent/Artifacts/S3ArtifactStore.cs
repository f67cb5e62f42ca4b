using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace EventPlatform.Agent.Artifacts;

/// <summary>
/// Uploads to <c>s3://bucket/prefix/name</c>. In ECS the credentials are the task role's, found
/// by the SDK's default chain; the local launcher passes fixed ones for the emulator, which also
/// needs path-style addressing.
/// </summary>
internal sealed class S3ArtifactStore : IArtifactStore
{
    private readonly AmazonS3Client client;
    private readonly string bucket;
    private readonly string prefix;

    public S3ArtifactStore(ArtifactSettings settings)
    {
        bucket = settings.Bucket ?? throw new ArgumentException("No bucket is set.", nameof(settings));
        prefix = settings.Prefix;
        var config = new AmazonS3Config();
        if (settings.S3ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl.ToString();
            config.ForcePathStyle = true;
            config.AuthenticationRegion = settings.Region ?? "us-east-1";
        }
        else if (settings.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        client = settings.Credentials is { } fixedCredentials
            ? new AmazonS3Client(Credentials(fixedCredentials), config)
            : new AmazonS3Client(config);
    }

    public async Task PutAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = prefix + name,
            InputStream = content,
            AutoCloseStream = false,
            ContentType = ContentTypes.For(name),
        };
        await client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => client.Dispose();

    private static AWSCredentials Credentials(StoreCredentials credentials) =>
        credentials.SessionToken is { } token
            ? new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, token)
            : new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey);
}

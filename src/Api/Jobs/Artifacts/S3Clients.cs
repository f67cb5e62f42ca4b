using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using EventPlatform.Contracts.Artifacts;

namespace EventPlatform.Api.Jobs.Artifacts;

internal static class S3Clients
{
    /// <summary>AWS S3 in the configured region, or an S3-compatible endpoint (the emulator) with path-style addressing.</summary>
    public static AmazonS3Client Create(ArtifactsOptions options)
    {
        var config = new AmazonS3Config();
        if (options.ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl.ToString();
            config.ForcePathStyle = true;
            config.AuthenticationRegion = options.EffectiveRegion;
        }
        else if (options.Region is { Length: > 0 } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return options.EffectiveCredentials is { } credentials
            ? new AmazonS3Client(new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey), config)
            : new AmazonS3Client(config);
    }
}

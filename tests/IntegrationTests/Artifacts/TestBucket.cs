using Amazon.S3;
using Amazon.S3.Model;
using EventPlatform.Api.Jobs.Artifacts;
using EventPlatform.Contracts.Artifacts;
using EventPlatform.IntegrationTests.Sqs;

namespace EventPlatform.IntegrationTests.Artifacts;

/// <summary>A bucket of one test's own in the emulator, with the options the API and the launcher would use for it.</summary>
internal sealed class TestBucket : IAsyncDisposable
{
    private TestBucket(ArtifactsOptions options, AmazonS3Client s3)
    {
        Options = options;
        S3 = s3;
    }

    public ArtifactsOptions Options { get; }

    public AmazonS3Client S3 { get; }

    public string Name => Options.Bucket;

    public static async Task<TestBucket> CreateAsync(string prefix = "")
    {
        var options = new ArtifactsOptions
        {
            Store = ArtifactStoreKind.S3,
            Bucket = $"ep-artifacts-{Guid.NewGuid():N}",
            Prefix = prefix,
            ServiceUrl = new Uri(TestAws.Endpoint),
            Region = TestAws.Region,
        };
        var s3 = S3Clients.Create(options);
        await s3.PutBucketAsync(options.Bucket);
        return new TestBucket(options, s3);
    }

    public async ValueTask DisposeAsync()
    {
        while ((await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Name })).S3Objects is { Count: > 0 } page)
        {
            foreach (var item in page)
            {
                await S3.DeleteObjectAsync(Name, item.Key);
            }
        }

        await S3.DeleteBucketAsync(Name);
        S3.Dispose();
    }
}

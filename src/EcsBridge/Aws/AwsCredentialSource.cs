using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace EventPlatform.EcsBridge.Aws;

/// <summary>
/// Credentials for each call: fixed ones, or AWSSDK.Core's default chain (environment,
/// profile, web identity, ECS task role, instance profile), which caches and refreshes them.
/// </summary>
internal sealed class AwsCredentialSource : IDisposable
{
    private readonly AWSCredentials? fixedCredentials;
    private readonly DefaultAWSCredentialsIdentityResolver? chain;

    private AwsCredentialSource(AWSCredentials? fixedCredentials, DefaultAWSCredentialsIdentityResolver? chain)
    {
        this.fixedCredentials = fixedCredentials;
        this.chain = chain;
    }

    public static AwsCredentialSource Fixed(AWSCredentials credentials) => new(credentials, null);

    /// <summary>Resolved on first use, not at start-up: a host without AWS credentials can still start.</summary>
    public static AwsCredentialSource DefaultChain() => new(null, new DefaultAWSCredentialsIdentityResolver());

    public async Task<ImmutableCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var credentials = fixedCredentials
            ?? await chain!.ResolveIdentityAsync(clientConfig: null, cancellationToken).ConfigureAwait(false);
        return await credentials.GetCredentialsAsync().ConfigureAwait(false);
    }

    public void Dispose() => chain?.Dispose();
}

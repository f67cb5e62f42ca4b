using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;

namespace EventPlatform.EcsBridge.Ecs;

/// <summary>
/// Signs an ECS JSON 1.1 call with AWSSDK.Core's SigV4 signer. The signer works on the SDK's
/// own request type, so the call is described as one and the headers it signed are handed
/// back to be sent exactly as signed.
/// </summary>
internal sealed class EcsRequestSigner(string region)
{
    public const string ContentType = "application/x-amz-json-1.1";
    private const string SigningName = "ecs";
    private const string TargetPrefix = "AmazonEC2ContainerServiceV20141113.";

    private readonly AWS4Signer signer = new(signPayload: true);
    private readonly SigningConfig config = new(region, SigningName);

    /// <summary>Every header to send, Authorization included, except Host, which HttpClient writes from the same URI.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Sign(
        Uri endpoint, string operation, byte[] body, ImmutableCredentials credentials, DateTime signedAt)
    {
        var request = new DefaultRequest(new EcsOperation(), "ECS")
        {
            HttpMethod = "POST",
            Endpoint = endpoint,
            ResourcePath = "/",
            Content = body,
            AuthenticationRegion = region,
            OverrideSigningServiceName = SigningName,
        };
        request.Headers["Content-Type"] = ContentType;
        request.Headers["X-Amz-Target"] = TargetPrefix + operation;
        if (credentials.UseToken)
        {
            // The SDK's pipeline adds the session token before signing; without the pipeline
            // it is ours to add, and temporary credentials (a task role) are refused without it.
            request.Headers["X-Amz-Security-Token"] = credentials.Token;
        }

        var result = signer.SignRequest(request, config, metrics: null, credentials.AccessKey, credentials.SecretKey, signedAt);
        request.Headers["Authorization"] = result.ForAuthorizationHeader;
        return [.. request.Headers.Where(h => !h.Key.Equals("host", StringComparison.OrdinalIgnoreCase))];
    }

    private sealed class EcsOperation : AmazonWebServiceRequest;

    /// <summary>The signer reads the signing region and service name from a client configuration.</summary>
    private sealed class SigningConfig : ClientConfig
    {
        public SigningConfig(string region, string service)
            : base(new NoDefaults())
        {
            AuthenticationRegion = region;
            AuthenticationServiceName = service;
        }

        public override string ServiceVersion => "2014-11-13";

        public override string UserAgent => "EventPlatform.EcsBridge";

        public override string RegionEndpointServiceName => SigningName;

        public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters) =>
            throw new NotSupportedException("The endpoint is chosen by EcsClient, not by the SDK's endpoint rules.");

        private sealed class NoDefaults : IDefaultConfigurationProvider
        {
            public IDefaultConfiguration GetDefaultConfiguration(RegionEndpoint clientRegion, DefaultConfigurationMode? requestedConfigurationMode = null) =>
                new DefaultConfiguration();
        }
    }
}

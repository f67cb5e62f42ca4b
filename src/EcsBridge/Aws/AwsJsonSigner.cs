using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;

namespace EventPlatform.EcsBridge.Aws;

/// <summary>
/// Signs a JSON 1.1 call (ECS, CloudWatch Logs) with AWSSDK.Core's SigV4 signer. The signer works
/// on the SDK's own request type, so the call is described as one and the headers it signed are
/// handed back to be sent exactly as signed.
/// </summary>
internal sealed class AwsJsonSigner(AwsJsonService service)
{
    public const string ContentType = "application/x-amz-json-1.1";

    private readonly AWS4Signer signer = new(signPayload: true);
    private readonly SigningConfig config = new(service.Region, service.SigningName);

    /// <summary>Every header to send, Authorization included, except Host, which HttpClient writes from the same URI.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Sign(
        Uri endpoint, string operation, byte[] body, ImmutableCredentials credentials, DateTime signedAt)
    {
        var request = new DefaultRequest(new JsonOperation(), service.Name)
        {
            HttpMethod = "POST",
            Endpoint = endpoint,
            ResourcePath = "/",
            Content = body,
            AuthenticationRegion = service.Region,
            OverrideSigningServiceName = service.SigningName,
        };
        request.Headers["Content-Type"] = ContentType;
        request.Headers["X-Amz-Target"] = service.TargetPrefix + operation;
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

    private sealed class JsonOperation : AmazonWebServiceRequest;

    /// <summary>The signer reads the signing region and service name from a client configuration.</summary>
    private sealed class SigningConfig : ClientConfig
    {
        private readonly string service;

        public SigningConfig(string region, string service)
            : base(new NoDefaults())
        {
            this.service = service;
            AuthenticationRegion = region;
            AuthenticationServiceName = service;
        }

        public override string ServiceVersion => "json-1.1";

        public override string UserAgent => "EventPlatform.EcsBridge";

        public override string RegionEndpointServiceName => service;

        public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters) =>
            throw new NotSupportedException("The endpoint is chosen by AwsJsonCaller, not by the SDK's endpoint rules.");

        private sealed class NoDefaults : IDefaultConfigurationProvider
        {
            public IDefaultConfiguration GetDefaultConfiguration(RegionEndpoint clientRegion, DefaultConfigurationMode? requestedConfigurationMode = null) =>
                new DefaultConfiguration();
        }
    }
}

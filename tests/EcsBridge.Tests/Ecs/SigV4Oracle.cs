using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace EventPlatform.EcsBridge.Tests.Ecs;

/// <summary>
/// Recomputes a request's SigV4 signature from what arrived on the wire, step by step as AWS
/// documents it, with the BCL's SHA-256 and HMAC. It is deliberately not the SDK's signer: the
/// test must catch a request that was signed one way and sent another.
/// </summary>
internal static partial class SigV4Oracle
{
    public static string ExpectedSignature(RecordedRequest request, string secretKey, string region, string service)
    {
        var authorization = AuthorizationHeader().Match(request.Headers["Authorization"]);
        var signedHeaders = authorization.Groups["signed"].Value;
        var amzDate = request.Headers["X-Amz-Date"];
        var date = amzDate[..8];

        var canonicalHeaders = string.Concat(signedHeaders.Split(';').Select(name => $"{name}:{request.Headers[name].Trim()}\n"));
        var canonicalRequest = string.Join(
            '\n',
            request.Method,
            request.Path,
            string.Empty,
            canonicalHeaders,
            signedHeaders,
            Hex(SHA256.HashData(Encoding.UTF8.GetBytes(request.Body))));
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = string.Join(
            '\n', "AWS4-HMAC-SHA256", amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { date, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    public static Match Parse(string authorization) => AuthorizationHeader().Match(authorization);

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLower(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<date>\d{8})/(?<region>[a-z0-9-]+)/(?<service>[a-z0-9]+)/aws4_request, SignedHeaders=(?<signed>[a-z0-9;-]+), Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationHeader();
}

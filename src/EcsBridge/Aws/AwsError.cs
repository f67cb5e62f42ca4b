using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventPlatform.EcsBridge.Aws;

/// <summary>Why a signed JSON call to AWS did not succeed, and whether asking again later may help.</summary>
internal sealed record AwsError(string Code, string Message, int? StatusCode, bool Retryable)
{
    // The codes AWS SDKs treat as throttling in their standard retry mode; ECS and CloudWatch Logs
    // answer ThrottlingException ("Rate exceeded"), the others cost nothing to recognise.
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
    };

    public bool IsThrottling => ThrottlingCodes.Contains(Code) || StatusCode == 429;

    public static AwsError FromResponse(int statusCode, ReadOnlySpan<byte> body, HttpResponseHeaders headers)
    {
        ErrorResponse? error = null;
        try
        {
            error = body.IsEmpty ? null : JsonSerializer.Deserialize(body, AwsJson.Default.ErrorResponse);
        }
        catch (JsonException)
        {
            // A proxy or load balancer in the way answers in HTML; the status code is all there is.
        }

        var type = error?.Type
            ?? (headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null);
        var code = ShortCode(type) ?? $"Http{statusCode}";
        var message = error?.Message ?? error?.MessageUpper ?? string.Empty;
        var retryable = statusCode == 429 || statusCode >= 500 || ThrottlingCodes.Contains(code);
        return new AwsError(code, message, statusCode, retryable);
    }

    public static AwsError Timeout(TimeSpan after) =>
        new("RequestTimeout", $"No answer within {after.TotalSeconds:0.#} s.", null, Retryable: true);

    public static AwsError Network(string message) => new("NetworkError", message, null, Retryable: true);

    public static AwsError MalformedResponse(string message) => new("MalformedResponse", message, null, Retryable: true);

    // The credential chain also fails when the task role endpoint hiccups, not only when
    // nothing is configured; the retries that follow are bounded.
    public static AwsError NoCredentials(string message) => new("CredentialsUnavailable", message, null, Retryable: true);

    public override string ToString() => StatusCode is { } status
        ? $"{Code} (HTTP {status}): {Message}"
        : $"{Code}: {Message}";

    /// <summary>"com.amazonaws.ecs#ThrottlingException" and "ThrottlingException:http://..." both mean ThrottlingException.</summary>
    private static string? ShortCode(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var code = type[(type.LastIndexOf('#') + 1)..];
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        return (colon >= 0 ? code[..colon] : code).Trim();
    }
}

/// <summary>The body of a JSON 1.1 error response.</summary>
internal sealed record ErrorResponse(
    [property: JsonPropertyName("__type")] string? Type,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("Message")] string? MessageUpper);

[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class AwsJson : JsonSerializerContext;

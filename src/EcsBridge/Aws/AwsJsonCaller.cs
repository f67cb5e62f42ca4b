using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;

namespace EventPlatform.EcsBridge.Aws;

/// <summary>
/// Makes JSON 1.1 calls to one AWS API over HTTP, signed with AWSSDK.Core's SigV4 signer and
/// credential chain (there is no SDK package for ECS or CloudWatch Logs here, ADR 7). Throttling,
/// 429, 5xx, timeouts and network errors are retried with capped exponential backoff and jitter;
/// other errors are answered at once.
/// </summary>
internal sealed partial class AwsJsonCaller(
    HttpClient http,
    AwsJsonService service,
    AwsCallPolicy policy,
    AwsCredentialSource credentials,
    TimeProvider clock,
    ILogger logger)
{
    /// <summary>The named HttpClient every signed JSON call goes through.</summary>
    public const string HttpClientName = "aws-json";

    private readonly AwsJsonSigner signer = new(service);

    /// <summary>One call, tried until it succeeds, fails for good, or runs out of tries; <c>beforeEachTry</c>, if any, is awaited before every try (a rate limiter).</summary>
    public async Task<AwsCallOutcome<TResponse>> CallAsync<TRequest, TResponse>(
        string operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        Func<CancellationToken, ValueTask>? beforeEachTry,
        CancellationToken cancellationToken)
        where TResponse : class
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        for (var attempt = 1; ; attempt++)
        {
            if (beforeEachTry is not null)
            {
                await beforeEachTry(cancellationToken).ConfigureAwait(false);
            }

            var outcome = await SendAsync(operation, body, responseType, cancellationToken).ConfigureAwait(false);
            if (outcome.Error is not { Retryable: true } error)
            {
                return outcome;
            }

            if (attempt >= policy.MaxAttempts)
            {
                LogGaveUp(service.Name, operation, attempt, error.ToString());
                return outcome;
            }

            var delay = Backoff(attempt);
            LogRetrying(service.Name, operation, error.ToString(), attempt, delay.TotalMilliseconds);
            await Task.Delay(delay, clock, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<AwsCallOutcome<TResponse>> SendAsync<TResponse>(
        string operation, byte[] body, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(policy.RequestTimeout);
        try
        {
            ImmutableCredentials identity;
            try
            {
                identity = await credentials.GetAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (AmazonClientException ex)
            {
                return new(null, AwsError.NoCredentials(ex.Message));
            }

            using var message = new HttpRequestMessage(HttpMethod.Post, service.Endpoint);
            message.Content = new ByteArrayContent(body);
            foreach (var (name, value) in signer.Sign(service.Endpoint, operation, body, identity, clock.GetUtcNow().UtcDateTime))
            {
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
                }
                else
                {
                    message.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var response = await http.SendAsync(message, timeout.Token).ConfigureAwait(false);
            var content = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new(null, AwsError.FromResponse((int)response.StatusCode, content, response.Headers));
            }

            try
            {
                return JsonSerializer.Deserialize(content, responseType) is { } value
                    ? new(value, null)
                    : new(null, AwsError.MalformedResponse($"{operation} answered with an empty body."));
            }
            catch (JsonException ex)
            {
                return new(null, AwsError.MalformedResponse($"{operation} answered with unreadable JSON: {ex.Message}"));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(null, AwsError.Timeout(policy.RequestTimeout));
        }
        catch (HttpRequestException ex)
        {
            return new(null, AwsError.Network(ex.Message));
        }
    }

    /// <summary>Exponential, capped, with the upper half jittered so that retries do not march in step.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(
            policy.RetryMaxDelay.TotalMilliseconds,
            policy.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Service} {Operation} failed ({Error}), try {Attempt}; retrying in {DelayMs:0} ms")]
    private partial void LogRetrying(string service, string operation, string error, int attempt, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} {Operation} failed after {Attempts} tries: {Error}")]
    private partial void LogGaveUp(string service, string operation, int attempts, string error);
}

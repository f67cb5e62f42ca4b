using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventPlatform.Cli;

/// <summary>The REST API as the CLI uses it; every failure becomes a <see cref="EpException"/> with one clear line.</summary>
internal sealed class EpClient(HttpClient http) : IDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public Uri BaseAddress => http.BaseAddress!;

    public static EpClient FromEnvironment()
    {
        var url = Environment.GetEnvironmentVariable("EP_URL") is { Length: > 0 } configured ? configured : DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress))
        {
            throw new EpException($"EP_URL '{url}' is not an absolute URL.");
        }

        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (Environment.GetEnvironmentVariable("EP_API_KEY") is { Length: > 0 } apiKey)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return new EpClient(http);
    }

    public Task<JsonElement> SubmitAsync(object job, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/jobs", JsonContent.Create(job, options: JsonSerializerOptions.Web), cancellationToken);

    public Task<JsonElement> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"/jobs/{Uri.EscapeDataString(jobId)}", content: null, cancellationToken);

    public Task<JsonElement> GetEventsAsync(string jobId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"/jobs/{Uri.EscapeDataString(jobId)}/events", content: null, cancellationToken);

    public Task<JsonElement> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Post,
            $"/jobs/{Uri.EscapeDataString(jobId)}/cancel",
            reason is null ? null : JsonContent.Create(new { reason }, options: JsonSerializerOptions.Web),
            cancellationToken);

    public void Dispose() => http.Dispose();

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new EpException($"Cannot reach the EventPlatform server at {http.BaseAddress}: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EpException($"The EventPlatform server at {http.BaseAddress} did not answer in time.");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new EpException(DescribeProblem(response.StatusCode, body));
            }

            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
    }

    private static string DescribeProblem(HttpStatusCode status, string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            var text = root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String
                ? detail.GetString()
                : root.TryGetProperty("title", out var title) ? title.GetString() : null;
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                text = string.Join("; ", errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(m => m.GetString())));
            }

            return $"{(int)status} {status}: {text}";
        }
        catch (JsonException)
        {
            return $"{(int)status} {status}";
        }
    }
}

/// <summary>A failure the CLI reports as one line on stderr and a non-zero exit.</summary>
internal sealed class EpException(string message) : Exception(message);

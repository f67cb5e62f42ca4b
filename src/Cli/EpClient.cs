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

    /// <summary>Any JSON resource of the API; <paramref name="pathAndQuery"/> is already escaped.</summary>
    public Task<JsonElement> GetJsonAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, pathAndQuery, content: null, cancellationToken);

    /// <summary>A POST without a body to any JSON resource of the API; <paramref name="pathAndQuery"/> is already escaped.</summary>
    public Task<JsonElement> PostJsonAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, pathAndQuery, content: null, cancellationToken);

    public Task<JsonElement> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Post,
            $"/jobs/{Uri.EscapeDataString(jobId)}/cancel",
            reason is null ? null : JsonContent.Create(new { reason }, options: JsonSerializerOptions.Web),
            cancellationToken);

    public Task<JsonElement> GetArtifactsAsync(string jobId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"/jobs/{Uri.EscapeDataString(jobId)}/artifacts", content: null, cancellationToken);

    /// <summary>The latest attempt's output, or <paramref name="attempt"/>'s.</summary>
    public Task<string> GetLogsAsync(string jobId, int? attempt, CancellationToken cancellationToken) =>
        SendForTextAsync(
            HttpMethod.Get,
            $"/jobs/{Uri.EscapeDataString(jobId)}/logs{(attempt is { } n ? $"?attempt={n}" : string.Empty)}",
            content: null,
            cancellationToken);

    /// <summary>
    /// Fetches a download URL the server handed out (pre-signed, or signed by the server) into
    /// <paramref name="path"/>. Sent without the API key: the URL is its own authorisation, and
    /// may point at another host.
    /// </summary>
    public static async Task DownloadAsync(Uri url, string path, CancellationToken cancellationToken)
    {
        using var downloads = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        HttpResponseMessage response;
        try
        {
            response = await downloads.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new EpException($"Cannot download {url.GetLeftPart(UriPartial.Path)}: {ex.Message}");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new EpException($"Cannot download {url.GetLeftPart(UriPartial.Path)}: {(int)response.StatusCode} {response.StatusCode}");
            }

            var partial = path + ".partial";
            await using (var file = File.Create(partial))
            {
                await response.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            File.Move(partial, path, overwrite: true);
        }
    }

    public void Dispose() => http.Dispose();

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        var body = await SendForTextAsync(method, path, content, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private async Task<string> SendForTextAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
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

            return body;
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

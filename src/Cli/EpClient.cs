using System.Text.Json.Nodes;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventPlatform.Cli;

/// <summary>The REST API as the CLI uses it; every failure becomes a <see cref="EpException"/> with one clear line.</summary>
internal sealed class EpClient(HttpClient http, string? configFile = null) : IDisposable
{
    private const string ApiKeyHeader = "X-Api-Key";

    /// <summary>How long a call may take; an admin call that reads the whole store gets <see cref="LongCallTimeout"/>.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan LongCallTimeout = TimeSpan.FromMinutes(30);

    public Uri BaseAddress => http.BaseAddress!;

    /// <summary>The server and key from the environment or the config file (<see cref="EpConfig"/>).</summary>
    public static EpClient FromEnvironment() => From(EpConfig.Load(Environment.GetEnvironmentVariable));

    public static EpClient From(EpConfig config)
    {
        var http = new HttpClient { BaseAddress = config.Url, Timeout = Timeout.InfiniteTimeSpan };
        if (config.ApiKey is { } apiKey)
        {
            http.DefaultRequestHeaders.Add(ApiKeyHeader, apiKey);
        }

        return new EpClient(http, config.FilePath);
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

    /// <summary>
    /// A POST without a body to an admin operation that works through the whole store (a rebuild, an
    /// audit), so it may take minutes; <paramref name="pathAndQuery"/> is already escaped.
    /// </summary>
    public Task<JsonElement> PostLongJsonAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, pathAndQuery, content: null, cancellationToken, LongCallTimeout);

    public Task<JsonElement> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Post,
            $"/jobs/{Uri.EscapeDataString(jobId)}/cancel",
            reason is null ? null : JsonContent.Create(new { reason }, options: JsonSerializerOptions.Web),
            cancellationToken);

    /// <summary>POST /jobs/cancel with <paramref name="body"/> ({jobIds} or {filter}, and a reason).</summary>
    public Task<JsonElement> CancelManyAsync(JsonNode body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/jobs/cancel", JsonContent.Create(body, options: JsonSerializerOptions.Web), cancellationToken);

    public Task<JsonElement> RerunAsync(string jobId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"/jobs/{Uri.EscapeDataString(jobId)}/rerun", content: null, cancellationToken);

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

    /// <summary>
    /// GET /jobs/events from just after <paramref name="lastEventId"/> (or from now), of one job or of
    /// all the caller's: each job event's id and data, until the stream ends or the connection drops.
    /// </summary>
    public async IAsyncEnumerable<(long Id, JsonElement Change)> FollowChangesAsync(
        long? lastEventId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, string? jobId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, jobId is null ? "/jobs/events" : $"/jobs/events?jobId={Uri.EscapeDataString(jobId)}");
        if (lastEventId is { } last)
        {
            request.Headers.Add("Last-Event-ID", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new EpException($"Cannot reach the EventPlatform server at {http.BaseAddress}: {ex.Message}");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new EpException(response.StatusCode == HttpStatusCode.Unauthorized ? "the server refused the API key (401)" : DescribeProblem(response.StatusCode, body));
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(stream).EnumerateAsync(cancellationToken).ConfigureAwait(false))
            {
                if (item.EventType == "job" && long.TryParse(item.EventId, System.Globalization.CultureInfo.InvariantCulture, out var id))
                {
                    using var change = JsonDocument.Parse(item.Data);
                    yield return (id, change.RootElement.Clone());
                }
            }
        }
    }

    public void Dispose() => http.Dispose();

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var body = await SendForTextAsync(method, path, content, cancellationToken, timeout).ConfigureAwait(false);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private async Task<string> SendForTextAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? CallTimeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, deadline.Token).ConfigureAwait(false);
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
            var body = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new EpException(http.DefaultRequestHeaders.Contains(ApiKeyHeader)
                    ? "the server refused the API key (401)"
                    : $"no API key: set EP_API_KEY, or apiKey in {configFile ?? "~/.config/ep/config.json"} (401)");
            }

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

            // A server error is worth reporting: its request id finds the host's log lines.
            var request = (int)status >= 500 && root.TryGetProperty("requestId", out var id) ? $" (request {id.GetString()})" : string.Empty;
            return $"{(int)status} {status}: {text}{request}";
        }
        catch (JsonException)
        {
            return $"{(int)status} {status}";
        }
    }
}

/// <summary>A failure the CLI reports as one line on stderr and a non-zero exit.</summary>
internal sealed class EpException(string message) : Exception(message);

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EventPlatform.EcsBridge.Tests.Ecs;

/// <summary>
/// An ECS and CloudWatch Logs endpoint on 127.0.0.1: records every request as it arrived and answers
/// each operation from a queue of canned responses, then with that operation's default.
/// </summary>
internal sealed class FakeEcs : IAsyncDisposable
{

    private readonly WebApplication app;
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<CannedResponse>> canned = new();
    private int taskCounter;

    private FakeEcs(WebApplication app)
    {
        this.app = app;
        app.Run(HandleAsync);
    }

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    public static async Task<FakeEcs> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var fake = new FakeEcs(builder.Build());
        await fake.app.StartAsync();
        fake.Endpoint = new Uri(fake.app.Urls.Single() + "/");
        return fake;
    }

    public IReadOnlyList<RecordedRequest> RequestsFor(string operation) =>
        [.. requests.Where(r => r.Operation == operation)];

    /// <summary>The next calls of <paramref name="operation"/> get these answers, in order.</summary>
    public void Answer(string operation, params CannedResponse[] responses)
    {
        var queue = canned.GetOrAdd(operation, _ => new ConcurrentQueue<CannedResponse>());
        foreach (var response in responses)
        {
            queue.Enqueue(response);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, headers, body, receivedAt);
        requests.Enqueue(recorded);

        var response = canned.TryGetValue(recorded.Operation, out var queue) && queue.TryDequeue(out var next)
            ? next
            : DefaultFor(recorded);
        if (response.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(response.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = response.Status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        await context.Response.WriteAsync(response.Body, context.RequestAborted);
    }

    private CannedResponse DefaultFor(RecordedRequest request) => request.Operation switch
    {
        "RunTask" => CannedResponse.Ok(JsonSerializer.Serialize(new
        {
            tasks = new[]
            {
                new
                {
                    taskArn = $"arn:aws:ecs:eu-west-1:123456789012:task/eventplatform-jobs/{Interlocked.Increment(ref taskCounter):x32}",
                    lastStatus = "PROVISIONING",
                    startedBy = request.Json.GetProperty("startedBy").GetString(),
                },
            },
            failures = Array.Empty<object>(),
        })),
        "StopTask" => CannedResponse.Ok("""{"task":{"lastStatus":"RUNNING","desiredStatus":"STOPPED"}}"""),
        "DescribeTasks" => CannedResponse.Ok("""{"tasks":[],"failures":[]}"""),
        "ListTasks" => CannedResponse.Ok("""{"taskArns":[]}"""),
        "FilterLogEvents" => CannedResponse.Ok("""{"events":[],"searchedLogStreams":[]}"""),
        _ => CannedResponse.Error(400, "UnknownOperationException", $"No such operation: {request.Operation}"),
    };
}

internal sealed record RecordedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    long ReceivedAtTimestamp)
{
    public string? Target => Headers.GetValueOrDefault("X-Amz-Target");

    /// <summary>RunTask of AmazonEC2ContainerServiceV20141113.RunTask, FilterLogEvents of Logs_20140328.FilterLogEvents.</summary>
    public string Operation => Target is { } target && target.IndexOf('.', StringComparison.Ordinal) is >= 0 and var dot
        ? target[(dot + 1)..]
        : string.Empty;

    public JsonElement Json => JsonSerializer.Deserialize<JsonElement>(Body);
}

internal sealed record CannedResponse(int Status, string Body, TimeSpan Delay = default)
{
    public static CannedResponse Ok(string body) => new(200, body);

    public static CannedResponse Error(int status, string type, string message) =>
        new(status, JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }));

    public static CannedResponse Throttled() => Error(400, "ThrottlingException", "Rate exceeded");
}

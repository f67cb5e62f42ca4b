using System.Text.Json;
using System.Text.Json.Nodes;
using EventPlatform.Api.Jobs.Listing;
using EventPlatform.Api.Jobs.Reading;
using EventPlatform.Api.Jobs.Submitting;
using EventPlatform.Contracts.Jobs;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace EventPlatform.Api.OpenApi;

/// <summary>
/// Realistic examples for the calls people start with. Responses are the API's own records
/// serialised with the API's own settings, so an example cannot drift from what the server sends.
/// </summary>
internal sealed class ExamplesTransformer(IOptions<JsonOptions> json) : IOpenApiOperationTransformer
{
    private static readonly Guid JobId = Guid.Parse("019a2044-b608-73b9-9137-44e39e1e63d4");
    private static readonly DateTimeOffset Submitted = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A valid POST /jobs body; a test submits it.</summary>
    private const string SubmitJobRequestExample = """
        {
          "command": ["python", "train.py", "--epochs", "3"],
          "timeoutSeconds": 900,
          "priority": "high",
          "env": {"DATASET": "churn-2026-11"},
          "maxAttempts": 3,
          "retryOnExitCodes": [75],
          "limits": {"cpu": 1024, "memoryMiB": 2048},
          "labels": {"team": "data"}
        }
        """;

    private static JobResponse Job => new(
        JobId,
        "Succeeded",
        ExitCode: 0,
        Attempt: 1,
        CreatedAt: Submitted,
        StartedAt: Submitted.AddSeconds(2),
        FinishedAt: Submitted.AddMinutes(7),
        Error: null,
        Command: ["python", "train.py", "--epochs", "3"],
        Priority: "high",
        TimeoutSeconds: 900,
        Env: new Dictionary<string, string> { ["DATASET"] = "churn-2026-11" },
        MaxAttempts: 3,
        RetryOnExitCodes: [75],
        RetryAt: null,
        CancelRequestedAt: null,
        Limits: new JobLimits { Cpu = 1024, MemoryMiB = 2048 })
    {
        UserId = "alice",
        Labels = new Dictionary<string, string> { ["team"] = "data" },
        TraceId = "4bf92f3577b34da6a3ce929d0e0e4736",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        switch (operation.OperationId)
        {
            case "SubmitJob":
                SetRequest(operation, JsonNode.Parse(SubmitJobRequestExample)!);
                SetResponse(operation, StatusCodes.Status202Accepted, new SubmitJobResponse(JobId, $"/jobs/{JobId}"));
                break;
            case "GetJob":
                SetResponse(operation, StatusCodes.Status200OK, Job);
                SetResponse(operation, StatusCodes.Status404NotFound, new
                {
                    type = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
                    title = "Job not found",
                    status = 404,
                    detail = $"There is no job {JobId}.",
                    requestId = "0HNH4J5U4QDLF:00000001",
                });
                break;
            case "CancelJobs":
                SetRequest(operation, JsonNode.Parse("""{"filter": {"state": "queued", "label": {"team": "data"}}, "reason": "superseded"}""")!);
                break;
            case "ListJobs":
                SetResponse(operation, StatusCodes.Status200OK, new JobListResponse([Job], NextCursor: null));
                break;
        }

        return Task.CompletedTask;
    }

    private static void SetRequest(OpenApiOperation operation, JsonNode example)
    {
        foreach (var media in operation.RequestBody?.Content?.Values ?? [])
        {
            media.Example = example;
        }
    }

    private void SetResponse(OpenApiOperation operation, int status, object example)
    {
        if (operation.Responses?.GetValueOrDefault(status.ToString(System.Globalization.CultureInfo.InvariantCulture)) is not { Content: { } content })
        {
            return;
        }

        foreach (var media in content.Values)
        {
            media.Example = JsonSerializer.SerializeToNode(example, example.GetType(), json.Value.SerializerOptions);
        }
    }
}

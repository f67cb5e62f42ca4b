using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EventPlatform.Host;

internal static class Health
{
    /// <summary>Mapped in every environment: ECS and load balancers probe it.</summary>
    public static void MapHealth(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/healthz", CheckAsync)
            .WithName("GetHealth")
            .WithTags("Health")
            .WithSummary("Is the platform healthy?")
            .WithDescription("200 when PostgreSQL answers and the bus is started, else 503 with the check that failed. Needs no API key.")
            .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable)
            .AllowAnonymous();

    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> CheckAsync(
        HealthCheckService health, HttpResponse response, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        var body = new HealthResponse(
            report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new HealthCheckResponse(e.Value.Status.ToString(), e.Value.Description)));
        response.Headers.CacheControl = "no-store, no-cache";
        return report.Status == HealthStatus.Unhealthy
            ? TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(body);
    }
}

internal sealed record HealthResponse(string Status, IReadOnlyDictionary<string, HealthCheckResponse> Checks);

internal sealed record HealthCheckResponse(string Status, string? Description);

using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EventPlatform.Api.Hosting;

internal static class Health
{
    /// <summary>Mapped in every environment: ECS and load balancers probe it.</summary>
    public static void MapHealth(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteReportAsync }).AllowAnonymous();

    private static Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}

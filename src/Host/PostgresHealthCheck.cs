using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EventPlatform.Host;

internal sealed class PostgresHealthCheck(IDocumentStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var session = store.QuerySession();
            await session.QueryAsync<int>("select 1", cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
#pragma warning disable CA1031 // Any failure to reach the database is "unhealthy", whatever its type.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer.", ex);
        }
    }
}

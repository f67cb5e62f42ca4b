using EventPlatform.Projections.Maintenance;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventPlatform.Api.Admin.Projections;

/// <summary>Auditing the status view against the streams (docs/adr/0016-figures-rebuild-and-audit.md).</summary>
internal static class VerifyAuditEndpoint
{
    public static void Map(IEndpointRouteBuilder admin) =>
        admin.MapPost("/audit/verify", VerifyAsync)
            .WithName("VerifyAudit")
            .WithSummary("Check every status row against its stream")
            .WithDescription("Replays every job's stream and compares the result with the stored status row; lists each mismatch with the fields that differ. Admin keys only.");

    private static async Task<Ok<AuditReport>> VerifyAsync(JobStatusAudit audit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await audit.VerifyAsync(cancellationToken).ConfigureAwait(false));
}

using EventPlatform.Api.Admin.DeadLetters;
using EventPlatform.Api.Admin.Projections;
using EventPlatform.Api.Auth;

namespace EventPlatform.Api.Admin;

internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin").WithTags("Admin").RequireAuthorization(ApiKeyAuthentication.AdminPolicy);
        var deadLetters = admin.MapGroup("/dead-letters");
        ListDeadLettersEndpoint.Map(deadLetters);
        RedriveDeadLetterEndpoint.Map(deadLetters);
        RebuildProjectionEndpoint.Map(admin);
        VerifyAuditEndpoint.Map(admin);
        return endpoints;
    }
}

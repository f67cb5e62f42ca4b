using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace EventPlatform.Api.Auth;

internal static class AuthModule
{
    public static void AddApiKeyAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiKeyOptions>().Bind(configuration.GetSection(ApiKeyOptions.Section));
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, configureOptions: null);

        // Every endpoint needs a key unless it says otherwise (health checks do).
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthentication.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(ApiKeyAuthentication.AdminPolicy, policy => policy.RequireRole(ApiKeyAuthentication.AdminRole));
    }
}

using EventPlatform.Api.Auth.Sessions;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Auth;

internal static class AuthModule
{
    /// <summary>Only an API key, not a session cookie: what opening a session takes.</summary>
    public const string ApiKeyOnlyPolicy = "apiKeyOnly";

    public static void AddApiKeyAuth(this IServiceCollection services, IConfiguration configuration)
    {
        // A key entry that cannot work (no user, no key, a malformed hash or secret) stops the host at
        // start, rather than leaving that caller with 401s and nothing in the log to say why.
        services.AddOptions<ApiKeyOptions>().Bind(configuration.GetSection(ApiKeyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, KeysThatWork>();
        services.AddSingleton(provider => ApiKeyRing.From(provider.GetRequiredService<IOptions<ApiKeyOptions>>().Value).Ring!);
        var authentication = services.AddAuthentication(SessionAuthentication.KeyOrSession)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, configureOptions: null);
        authentication.AddSessionCookie();
        services.AddDataProtection().SetApplicationName("EventPlatform");
        services.AddOptions<KeyManagementOptions>().Configure<IDocumentStore>((keys, store) => keys.XmlRepository = new SessionKeyRing(store));

        // Every endpoint needs a key or a session unless it says otherwise (health checks do).
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(SessionAuthentication.KeyOrSession).RequireAuthenticatedUser().Build())
            .AddPolicy(ApiKeyAuthentication.AdminPolicy, policy => policy.RequireRole(ApiKeyAuthentication.AdminRole))
            .AddPolicy(ApiKeyOnlyPolicy, policy => policy.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName).RequireAuthenticatedUser());
    }

    private sealed class KeysThatWork : IValidateOptions<ApiKeyOptions>
    {
        public ValidateOptionsResult Validate(string? name, ApiKeyOptions options) =>
            ApiKeyRing.From(options).Problems is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}

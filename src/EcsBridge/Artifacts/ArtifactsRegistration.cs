using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EventPlatform.EcsBridge.Artifacts;

public static class ArtifactsRegistration
{
    /// <summary>Binds the "Artifacts" section once, however many modules ask for it.</summary>
    public static IServiceCollection AddArtifactsOptions(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(IConfigureOptions<ArtifactsOptions>)))
        {
            return services;
        }

        services.AddOptions<ArtifactsOptions>()
            .Bind(configuration.GetSection(ArtifactsOptions.Section))
            .Validate(o => o.EffectiveStore != ArtifactStoreKind.S3 || !string.IsNullOrWhiteSpace(o.Bucket), "Artifacts:Store S3 needs Artifacts:Bucket.")
            .Validate(o => o.UrlLifetime > TimeSpan.Zero && o.UrlLifetime <= TimeSpan.FromDays(7), "Artifacts:UrlLifetime must be above zero and at most 7 days (S3's limit).")
            .ValidateOnStart();
        return services;
    }
}

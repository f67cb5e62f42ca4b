using EventPlatform.Contracts.Artifacts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Artifacts;

internal static class ArtifactsModule
{
    /// <summary>The artifact catalog for the configured store (section "Artifacts"), and the signer of local download URLs.</summary>
    public static IServiceCollection AddJobArtifacts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ArtifactsOptions>()
            .Bind(configuration.GetSection(ArtifactsOptions.Section))
            .Validate(o => o.HasStore, ArtifactsOptions.StoreProblem)
            .Validate(o => o.HasUsableUrlLifetime, ArtifactsOptions.UrlLifetimeProblem)
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider => ArtifactUrlSigner.From(provider.GetRequiredService<IOptions<ArtifactsOptions>>().Value));
        services.AddSingleton<LocalArtifactFiles>();
        services.AddSingleton<IArtifactCatalog>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ArtifactsOptions>>();
            return options.Value.EffectiveStore == ArtifactStoreKind.S3
                ? new S3ArtifactCatalog(S3Clients.Create(options.Value), options, provider.GetRequiredService<TimeProvider>())
                : ActivatorUtilities.CreateInstance<LocalArtifactCatalog>(provider);
        });
        return services;
    }
}

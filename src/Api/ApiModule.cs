using EventPlatform.Api.Admin;
using EventPlatform.Api.Auth;
using EventPlatform.Api.Auth.Sessions;
using EventPlatform.Api.Dashboard;
using EventPlatform.Api.Http;
using EventPlatform.Api.Jobs;
using EventPlatform.Api.Jobs.Artifacts;
using EventPlatform.Api.Jobs.Following;
using EventPlatform.Api.Jobs.Submitting;
using EventPlatform.Api.OpenApi;
using EventPlatform.Api.Stats;
using Marten;

namespace EventPlatform.Api;

public static class ApiModule
{
    /// <summary>
    /// The REST API: API keys, the per-user submission rate, artifacts and the API description. It
    /// publishes on the bus and reads the event store and the lifecycle's tables, which the host
    /// composes; a running job's output comes from the host's <c>ILiveOutput</c>.
    /// </summary>
    public static IServiceCollection AddApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddApiKeyAuth(configuration);
        services.AddSubmissionRateLimit(configuration);
        services.AddOptions<SubmissionLimits>().Bind(configuration.GetSection(SubmissionLimits.Section));
        services.AddOptions<PageLimits>().Bind(configuration.GetSection(PageLimits.Section));
        services.AddScoped<SubmitJobHandler>();
        services.AddMetrics();
        services.AddSingleton<SubmissionMetrics>();
        services.AddJobArtifacts(configuration);
        services.AddPlatformOpenApi();
        services.AddSingleton<DashboardAssets>();
        services.AddOptions<JobFeedOptions>().Bind(configuration.GetSection(JobFeedOptions.Section));
        services.AddSingleton<JobChangeFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<JobChangeFeed>());
        return services;
    }

    /// <summary>
    /// The Api's own documents in the event store (the session key ring); part of the store's
    /// composition, so that the migration step creates them for hosts that only verify the schema.
    /// </summary>
    public static IServiceCollection AddApiDocuments(this IServiceCollection services) =>
        services.ConfigureMarten(options => options.Schema.For<SessionKey>());

    /// <summary>Every endpoint of the API and the dashboard, behind API-key or session authentication, CSRF protection and the submission rate limit.</summary>
    public static WebApplication MapApi(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseCsrfProtection();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapPlatformOpenApi();
        app.MapJobsApi();
        app.MapAdminApi();
        app.MapStatsApi();
        app.MapSessionApi();
        app.MapDashboard();
        return app;
    }
}

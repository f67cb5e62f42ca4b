using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.Aws;
using EventPlatform.EcsBridge.TaskEvents;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventPlatform.EcsBridge.Ecs;

public static class EcsLauncherRegistration
{
    /// <summary>
    /// Runs tasks on ECS Fargate: binds the "Ecs" section and makes the ECS launcher the
    /// <c>ITaskLauncher</c>. Credentials come from AWSSDK.Core's default chain on first use.
    /// </summary>
    internal static IServiceCollection AddEcsTaskLauncher(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSignedAwsCalls(configuration)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Cluster), "Ecs:Cluster is required.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.TaskDefinition), "Ecs:TaskDefinition is required.")
            .Validate(o => o.Subnets.Count > 0, "Ecs:Subnets needs at least one subnet.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ArtifactsBucket), "Ecs:ArtifactsBucket is required.")
            .Validate(o => o.LaunchBurst >= 1 && o.LaunchesPerSecond > 0, "Ecs:LaunchBurst must be at least 1 and Ecs:LaunchesPerSecond above 0.")
            .Validate(o => o.MaxAttempts >= 1, "Ecs:MaxAttempts must be at least 1.")
            .ValidateOnStart();

        services.TryAddSingleton(provider => new EcsClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(AwsJsonCaller.HttpClientName),
            provider.GetRequiredService<IOptions<EcsOptions>>(),
            provider.GetRequiredService<AwsCredentialSource>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<EcsClient>>()));

        services.AddSingleton<ITaskLauncher, EcsTaskLauncher>();
        services.AddSingleton<ITaskAttempts, EcsTaskAttempts>();
        return services;
    }

    /// <summary>
    /// Reads running attempts' output from the agent's CloudWatch log group (<c>Ecs:AgentLogGroup</c>)
    /// as the <c>ILiveOutput</c> the API serves a running job's logs from. Needs only <c>Ecs:Region</c>,
    /// so a host that serves the API but launches nothing can use it.
    /// </summary>
    public static IServiceCollection AddCloudWatchLiveOutput(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSignedAwsCalls(configuration).ValidateOnStart();
        services.AddSingleton<ILiveOutput>(provider => new CloudWatchLiveOutput(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(AwsJsonCaller.HttpClientName),
            provider.GetRequiredService<IOptions<EcsOptions>>(),
            provider.GetRequiredService<AwsCredentialSource>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<CloudWatchLiveOutput>>()));
        return services;
    }

    /// <summary>What every signed JSON call needs: the "Ecs" section with its region, credentials, a clock and one HTTP client.</summary>
    private static OptionsBuilder<EcsOptions> AddSignedAwsCalls(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => AwsCredentialSource.DefaultChain());

        // One long-lived handler whose connections are recycled, rather than handler rotation:
        // the client is a singleton (it owns the launch bucket) and must still follow DNS.
        services.AddHttpClient(AwsJsonCaller.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        // One binding and one check, however many of the calls above a host makes: binding twice would
        // append the section's lists (subnets) a second time.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<EcsOptions>>(new EcsSection(configuration.GetSection(EcsOptions.Section))));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EcsOptions>, EcsRegionRequired>());
        return services.AddOptions<EcsOptions>();
    }

    private sealed class EcsSection(IConfigurationSection section) : IConfigureOptions<EcsOptions>
    {
        public void Configure(EcsOptions options) => section.Bind(options);
    }

    private sealed class EcsRegionRequired : IValidateOptions<EcsOptions>
    {
        public ValidateOptionsResult Validate(string? name, EcsOptions options) =>
            string.IsNullOrWhiteSpace(options.Region) ? ValidateOptionsResult.Fail("Ecs:Region is required.") : ValidateOptionsResult.Success;
    }
}

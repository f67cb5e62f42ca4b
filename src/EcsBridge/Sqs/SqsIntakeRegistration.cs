using Amazon;
using Amazon.SQS;
using EventPlatform.EcsBridge.TaskEvents;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EventPlatform.EcsBridge.Sqs;

public static class SqsIntakeRegistration
{
    /// <summary>The service key of the poller's <see cref="IAmazonSQS"/> client.</summary>
    public const string ClientKey = SqsIntakeOptions.Section;

    /// <summary>
    /// Reads EventBridge "ECS Task State Change" events from the SQS queue configured in section
    /// <c>TaskEventsQueue</c> (<c>QueueUrl</c>; <c>ServiceUrl</c> for an emulator; <c>Region</c>;
    /// <c>MaxMessages</c>, <c>WaitTimeSeconds</c>, <c>VisibilityTimeoutSeconds</c>, <c>ErrorBackoffSeconds</c>)
    /// and publishes them on the bus as <c>TaskStarted</c> / <c>TaskStopped</c>. The bus must be
    /// registered. The SQS client uses the SDK's credential chain; a host may register its own
    /// <see cref="IAmazonSQS"/> under <see cref="ClientKey"/> before calling this.
    /// </summary>
    public static IServiceCollection AddSqsTaskEventIntake(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<SqsIntakeOptions>()
            .Bind(configuration.GetSection(SqsIntakeOptions.Section))
            .Validate(o => IsAbsoluteUrl(o.QueueUrl), $"{SqsIntakeOptions.Section}:QueueUrl must be the queue's absolute URL.")
            .Validate(o => string.IsNullOrEmpty(o.ServiceUrl) || IsAbsoluteUrl(o.ServiceUrl), $"{SqsIntakeOptions.Section}:ServiceUrl must be an absolute URL.")
            .Validate(o => o.MaxMessages is >= 1 and <= 10, $"{SqsIntakeOptions.Section}:MaxMessages must be 1 to 10.")
            .Validate(o => o.WaitTimeSeconds is >= 0 and <= 20, $"{SqsIntakeOptions.Section}:WaitTimeSeconds must be 0 to 20.")
            .Validate(o => o.VisibilityTimeoutSeconds is >= 0 and <= 43_200, $"{SqsIntakeOptions.Section}:VisibilityTimeoutSeconds must be 0 to 43200.")
            .Validate(o => o.ErrorBackoffSeconds >= 0, $"{SqsIntakeOptions.Section}:ErrorBackoffSeconds must not be negative.")
            .ValidateOnStart();

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TaskEventIntake>();
        services.TryAddKeyedSingleton<IAmazonSQS>(
            ClientKey,
            (provider, _) => CreateClient(provider.GetRequiredService<IOptions<SqsIntakeOptions>>().Value));
        services.AddHostedService<SqsTaskEventPoller>();
        return services;
    }

    private static AmazonSQSClient CreateClient(SqsIntakeOptions options)
    {
        var config = new AmazonSQSConfig();
        if (options.ServiceUrl is { Length: > 0 } serviceUrl)
        {
            config.ServiceURL = serviceUrl;
            if (options.Region is { Length: > 0 } signingRegion)
            {
                config.AuthenticationRegion = signingRegion;
            }
        }
        else if (options.Region is { Length: > 0 } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return new AmazonSQSClient(config);
    }

    private static bool IsAbsoluteUrl(string? value) => Uri.TryCreate(value, UriKind.Absolute, out _);
}

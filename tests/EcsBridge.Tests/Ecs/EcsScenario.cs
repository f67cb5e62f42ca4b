using Amazon.Runtime;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.Aws;
using EventPlatform.EcsBridge.Ecs;
using Microsoft.Extensions.Logging.Abstractions;

using EventPlatform.Testing;

namespace EventPlatform.EcsBridge.Tests.Ecs;

/// <summary>A fake ECS endpoint and the real client and launcher pointed at it, with fixed credentials and clock.</summary>
internal sealed class EcsScenario : IAsyncDisposable
{
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string Region = "eu-west-1";
    public const string Cluster = "eventplatform-jobs";
    public const string TaskDefinition = "arn:aws:ecs:eu-west-1:123456789012:task-definition/eventplatform-agent:7";
    public const string AgentLogGroup = "/ecs/eventplatform/agent";
    public static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private readonly HttpClient http;
    private readonly AwsCredentialSource credentials;

    private EcsScenario(FakeEcs server, EcsOptions options, AwsCredentialSource credentials, TimeProvider clock)
    {
        Server = server;
        Options = options;
        this.credentials = credentials;
        http = new HttpClient();
        Client = new EcsClient(http, Microsoft.Extensions.Options.Options.Create(options), credentials, clock, NullLogger<EcsClient>.Instance);
        Launcher = new EcsTaskLauncher(Client, TimeProvider.System, NullLogger<EcsTaskLauncher>.Instance);
        LiveOutput = new CloudWatchLiveOutput(http, Microsoft.Extensions.Options.Options.Create(options), credentials, clock, NullLogger<CloudWatchLiveOutput>.Instance);
    }

    public FakeEcs Server { get; }

    public EcsOptions Options { get; }

    public EcsClient Client { get; }

    public EcsTaskLauncher Launcher { get; }

    /// <summary>Reads from the same fake endpoint, standing in for CloudWatch Logs.</summary>
    public CloudWatchLiveOutput LiveOutput { get; }

    public static async Task<EcsScenario> StartAsync(
        Action<EcsOptions>? configure = null,
        AwsCredentialSource? credentials = null,
        TimeProvider? clock = null)
    {
        var server = await FakeEcs.StartAsync();
        var options = new EcsOptions
        {
            Region = Region,
            Endpoint = server.Endpoint,
            Cluster = Cluster,
            TaskDefinition = TaskDefinition,
            Subnets = { "subnet-0a1b2c3d", "subnet-4e5f6a7b" },
            SecurityGroups = { "sg-0123456789abcdef0" },
            ArtifactsBucket = "eventplatform-artifacts",
            AgentLogGroup = AgentLogGroup,
            LogsEndpoint = server.Endpoint,
            MaxAttempts = 4,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            RetryMaxDelay = TimeSpan.FromMilliseconds(40),
            RequestTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        return new EcsScenario(
            server,
            options,
            credentials ?? AwsCredentialSource.Fixed(new BasicAWSCredentials(AccessKey, SecretKey)),
            clock ?? new FixedClock(Now));
    }

    public static LaunchTask Launch(Guid jobId, int attempt = 1, IReadOnlyDictionary<string, string>? env = null) =>
        new(jobId, attempt, new JobSpec(["sh", "-c", "echo hello"], 60, JobPriority.Normal, env ?? new Dictionary<string, string>()));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        http.Dispose();
        credentials.Dispose();
        await Server.DisposeAsync();
    }
}

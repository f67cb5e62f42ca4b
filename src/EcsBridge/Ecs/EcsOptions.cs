using EventPlatform.EcsBridge.Aws;

namespace EventPlatform.EcsBridge.Ecs;

/// <summary>Where and how job tasks run on ECS Fargate (configuration section "Ecs").</summary>
internal sealed class EcsOptions
{
    public const string Section = "Ecs";

    public string Region { get; set; } = string.Empty;

    /// <summary>Replaces https://ecs.{Region}.amazonaws.com/, for emulators and tests; signing still uses <see cref="Region"/>.</summary>
    public Uri? Endpoint { get; set; }

    public string Cluster { get; set; } = string.Empty;

    /// <summary>The agent's task definition: its ARN, or family[:revision].</summary>
    public string TaskDefinition { get; set; } = string.Empty;

    public IList<string> Subnets { get; } = [];

    public IList<string> SecurityGroups { get; } = [];

    public string ArtifactsBucket { get; set; } = string.Empty;

    /// <summary>Put before jobs/{jobId}/attempt-{n}/, e.g. "staging/"; empty by default.</summary>
    public string ArtifactsPrefix { get; set; } = string.Empty;

    /// <summary>
    /// What the agent is told its stop grace is. ECS sends SIGKILL after the container's
    /// stopTimeout (30 s by default on Fargate), so the agent must give up before that.
    /// </summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>RunTask calls allowed at once before pacing starts (Fargate's burst is about 100).</summary>
    public int LaunchBurst { get; set; } = 100;

    /// <summary>RunTask calls per second once the burst is spent (Fargate sustains about 20).</summary>
    public double LaunchesPerSecond { get; set; } = 20;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Tries per call, the first included, on throttling, 5xx and network errors.</summary>
    public int MaxAttempts { get; set; } = 5;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The CloudWatch Logs group the agent task definition's awslogs driver writes to (stream prefix
    /// <c>agent</c>): where a running attempt's output is read from.
    /// </summary>
    public string AgentLogGroup { get; set; } = string.Empty;

    /// <summary>Replaces https://logs.{Region}.amazonaws.com/, for emulators and tests.</summary>
    public Uri? LogsEndpoint { get; set; }

    public AwsCallPolicy CallPolicy => new(RequestTimeout, MaxAttempts, RetryBaseDelay, RetryMaxDelay);

    public Uri ResolveEndpoint() => Endpoint ?? AwsJsonService.RegionalEndpoint("ecs", Region);

    public Uri ResolveLogsEndpoint() => LogsEndpoint ?? AwsJsonService.RegionalEndpoint("logs", Region);
}

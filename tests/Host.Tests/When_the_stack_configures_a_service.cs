using System.Text.RegularExpressions;
using JasperFx.Events.Daemon;

namespace EventPlatform.Host.Tests;

/// <summary>
/// Each ECS service in infra/cloudformation/platform.yaml, given the environment its task
/// definition sets, composes the modules it is meant to run and passes the host's start-up checks.
/// Values CloudFormation computes (!Ref, !GetAtt ...) stand in as a realistic example of their kind.
/// </summary>
public partial class When_the_stack_configures_a_service
{
    private static readonly Lazy<string> Template = new(() => File.ReadAllText(Path.Combine(RepositoryRoot(), "infra", "cloudformation", "platform.yaml")));

    [Test]
    public async Task Should_serve_the_api_and_publish_over_rabbitmq_in_the_api_service()
    {
        var environment = EnvironmentOf("api");
        await using var host = Compose(environment);

        Assert.That(environment["Bus:Transport"], Is.EqualTo("RabbitMQ"));
        Assert.That(host.HasBus, Is.True);
        Assert.That(host.Consumers, Is.Empty);
        Assert.That(host.Routes, Does.Contain("/jobs/").And.Contains("/healthz"));
    }

    [Test]
    public async Task Should_run_the_saga_in_the_sagas_service()
    {
        var environment = EnvironmentOf("sagas");
        await using var host = Compose(environment);

        Assert.That(environment["Bus:Transport"], Is.EqualTo("RabbitMQ"));
        Assert.That(host.Consumers, Does.Contain("JobState"));
        Assert.That(host.Background, Is.EquivalentTo(new[] { "ScheduledMessageDispatcher", "TaskReconciler", "AdmissionController" }));
        Assert.That(host.Routes, Is.EqualTo(new[] { "/healthz" }));
    }

    [Test]
    public async Task Should_launch_on_ecs_and_read_the_task_events_queue_in_the_bridge_service()
    {
        var environment = EnvironmentOf("bridge");
        await using var host = Compose(environment);

        Assert.That(environment["Bus:Transport"], Is.EqualTo("RabbitMQ"));
        Assert.That(environment["EcsBridge:Launcher"], Is.EqualTo("Ecs"));
        Assert.That(host.Consumers, Is.EquivalentTo(new[] { "LaunchTaskConsumer", "StopTaskConsumer", "ReconcileTaskConsumer" }));
        Assert.That(host.Background, Is.EqualTo(new[] { "SqsTaskEventPoller" }));
    }

    [Test]
    public async Task Should_run_the_async_daemon_and_no_bus_in_the_projections_service()
    {
        var environment = EnvironmentOf("projections");
        await using var host = Compose(environment);

        Assert.That(environment.Keys.Where(k => k.StartsWith("Bus:", StringComparison.Ordinal)), Is.Empty, "a host without a bus is given no broker");
        Assert.That(host.HasBus, Is.False);
        Assert.That(host.Daemon, Is.EqualTo(DaemonMode.HotCold));
    }

    /// <remarks>AWS_REGION is read by the AWS SDK from the process environment, not from configuration.</remarks>
    private static ComposedHost Compose(Dictionary<string, string?> environment)
    {
        var region = Environment.GetEnvironmentVariable("AWS_REGION");
        Environment.SetEnvironmentVariable("AWS_REGION", environment.GetValueOrDefault("AWS_REGION"));
        try
        {
            var host = ComposedHost.Build(environment);
            host.ValidateOptions();
            return host;
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_REGION", region);
        }
    }

    /// <summary>The container's Environment and Secrets, as configuration keys.</summary>
    private static Dictionary<string, string?> EnvironmentOf(string container)
    {
        var start = Template.Value.IndexOf($"        - Name: {container}\n", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThan(0), $"container {container} in platform.yaml");
        var end = Template.Value.IndexOf("          HealthCheck:", start, StringComparison.Ordinal);
        var definition = Template.Value[start..end];

        var environment = new Dictionary<string, string?>();
        foreach (Match variable in Variable().Matches(definition))
        {
            var value = variable.Groups["value"].Value.Trim().Trim('"');
            environment[variable.Groups["name"].Value.Replace("__", ":", StringComparison.Ordinal)] = value.StartsWith('!') ? ExampleOf(value) : value;
        }

        Assert.That(environment, Does.ContainKey("Host:Modules"));
        return environment;
    }

    private static string ExampleOf(string expression) => expression switch
    {
        _ when expression.Contains("AmqpEndpoints", StringComparison.Ordinal) => "amqps://b-0a1b2c3d.mq.eu-west-1.amazonaws.com:5671",
        _ when expression.Contains("TaskEventsQueue", StringComparison.Ordinal) => "https://sqs.eu-west-1.amazonaws.com/123456789012/ep-task-events",
        _ when expression.Contains("Cluster", StringComparison.Ordinal) => "arn:aws:ecs:eu-west-1:123456789012:cluster/ep",
        _ when expression.Contains("Region", StringComparison.Ordinal) => "eu-west-1",
        _ => "example-value",
    };

    // { Name: X, Value: Y } and { Name: X, ValueFrom: Y } on one line (the multi-line connection
    // string is left out: the host is given a database that is never reached).
    [GeneratedRegex(@"- \{ Name: (?<name>\w+), Value(From)?: (?<value>.+) \}")]
    private static partial Regex Variable();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EventPlatform.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("EventPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}

using EventPlatform.EcsBridge.Ecs;
using EventPlatform.EcsBridge.LiveOutput;
using EventPlatform.EcsBridge.LocalLauncher;
using EventPlatform.EcsBridge.Sqs;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventPlatform.EcsBridge.Tests.Module;

public class When_the_bridge_module_is_composed
{
    private static readonly Dictionary<string, string?> EcsSettings = new()
    {
        ["EcsBridge:Launcher"] = "Ecs",
        ["Ecs:Region"] = "eu-west-1",
        ["Ecs:Cluster"] = "arn:aws:ecs:eu-west-1:123456789012:cluster/eventplatform",
        ["Ecs:TaskDefinition"] = "arn:aws:ecs:eu-west-1:123456789012:task-definition/eventplatform-job",
        ["Ecs:Subnets:0"] = "subnet-1",
        ["Ecs:ArtifactsBucket"] = "artifacts",
    };

    [Test]
    public async Task Should_launch_locally_by_default_and_read_no_queue()
    {
        await using var provider = Compose([]);

        Assert.That(provider.GetRequiredService<ITaskLauncher>(), Is.TypeOf<LocalTaskLauncher>());
        Assert.That(provider.GetServices<ILiveOutput>().Single(), Is.TypeOf<LocalLiveOutput>());
        Assert.That(provider.GetServices<IHostedService>().OfType<SqsTaskEventPoller>(), Is.Empty);
    }

    [Test]
    public async Task Should_launch_on_ecs_and_read_the_queue_when_configured()
    {
        await using var provider = Compose(new Dictionary<string, string?>(EcsSettings)
        {
            ["TaskEventsQueue:QueueUrl"] = "https://sqs.eu-west-1.amazonaws.com/123456789012/task-events",
            ["TaskEventsQueue:Region"] = "eu-west-1",
        });

        Assert.That(provider.GetRequiredService<ITaskLauncher>(), Is.TypeOf<EcsTaskLauncher>());
        Assert.That(provider.GetServices<ILiveOutput>().Single(), Is.TypeOf<CloudWatchLiveOutput>());
        Assert.That(provider.GetServices<IHostedService>().OfType<SqsTaskEventPoller>().Count(), Is.EqualTo(1));
    }

    [Test]
    public void Should_refuse_an_unknown_launcher()
    {
        Assert.That(
            () => Compose(new Dictionary<string, string?> { ["EcsBridge:Launcher"] = "Kubernetes" }),
            Throws.InvalidOperationException.With.Message.EqualTo("EcsBridge:Launcher 'Kubernetes' is not Local, Ecs or Instant."));
    }

    private static ServiceProvider Compose(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging()
            .AddMassTransitTestHarness()
            .AddEcsBridge(configuration)
            .BuildServiceProvider();
    }
}

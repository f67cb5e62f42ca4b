using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge;
using EventPlatform.EcsBridge.Ecs;
using EventPlatform.EcsBridge.Sqs;
using EventPlatform.LocalTasks;
using EventPlatform.LocalTasks.InstantLauncher;
using EventPlatform.LocalTasks.ProcessLauncher;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventPlatform.Host.Tests;

public class When_the_host_chooses_a_task_launcher
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
        await using var host = ComposedHost.Build(new Dictionary<string, string?>());

        Assert.That(host.Services.GetRequiredService<ITaskLauncher>(), Is.TypeOf<LocalTaskLauncher>());
        Assert.That(host.Services.GetServices<ILiveOutput>().Single(), Is.TypeOf<LocalLiveOutput>());
        Assert.That(host.Services.GetServices<IHostedService>().OfType<SqsTaskEventPoller>(), Is.Empty);
    }

    [Test]
    public async Task Should_launch_on_ecs_and_read_the_queue_when_configured()
    {
        await using var host = ComposedHost.Build(new Dictionary<string, string?>(EcsSettings)
        {
            ["TaskEventsQueue:QueueUrl"] = "https://sqs.eu-west-1.amazonaws.com/123456789012/task-events",
            ["TaskEventsQueue:Region"] = "eu-west-1",
        });

        Assert.That(host.Services.GetRequiredService<ITaskLauncher>(), Is.TypeOf<EcsTaskLauncher>());
        Assert.That(host.Services.GetServices<ILiveOutput>().Single(), Is.TypeOf<CloudWatchLiveOutput>());
        Assert.That(host.Services.GetServices<IHostedService>().OfType<SqsTaskEventPoller>().Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task Should_take_the_instant_launcher_when_configured()
    {
        await using var host = ComposedHost.Build(new Dictionary<string, string?> { ["EcsBridge:Launcher"] = "Instant" });

        Assert.That(host.Services.GetServices<ITaskLauncher>().Single(), Is.TypeOf<InstantTaskLauncher>());
    }

    [Test]
    public void Should_refuse_an_unknown_launcher()
    {
        Assert.That(
            () => ComposedHost.Build(new Dictionary<string, string?> { ["EcsBridge:Launcher"] = "Kubernetes" }),
            Throws.TypeOf<HostConfigurationException>().With.Message.EqualTo("EcsBridge:Launcher 'Kubernetes' is not Local, Ecs or Instant."));
    }
}

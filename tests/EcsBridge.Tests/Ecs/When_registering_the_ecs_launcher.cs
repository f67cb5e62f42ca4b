using EventPlatform.EcsBridge.Ecs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EventPlatform.EcsBridge.Tests.Ecs;

public class When_registering_the_ecs_launcher
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Ecs:Region"] = "eu-west-1",
        ["Ecs:Cluster"] = "eventplatform-jobs",
        ["Ecs:TaskDefinition"] = "eventplatform-agent:7",
        ["Ecs:Subnets:0"] = "subnet-0a1b2c3d",
        ["Ecs:Subnets:1"] = "subnet-4e5f6a7b",
        ["Ecs:SecurityGroups:0"] = "sg-0123456789abcdef0",
        ["Ecs:ArtifactsBucket"] = "eventplatform-artifacts",
        ["Ecs:LaunchBurst"] = "50",
        ["Ecs:LaunchesPerSecond"] = "5",
    };

    [Test]
    public async Task Should_make_the_ecs_launcher_the_only_task_launcher()
    {
        await using var provider = Build(Settings);

        var launchers = provider.GetServices<ITaskLauncher>().Select(l => l.GetType());
        var client = provider.GetRequiredService<EcsClient>();

        Assert.Multiple(() =>
        {
            Assert.That(launchers, Is.EqualTo(new[] { typeof(EcsTaskLauncher) }));
            Assert.That(provider.GetRequiredService<EcsClient>(), Is.SameAs(client), "one client, so one launch bucket for the process");
        });
    }

    [Test]
    public async Task Should_bind_the_ecs_section()
    {
        await using var provider = Build(Settings);

        var options = provider.GetRequiredService<IOptions<EcsOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(options.Subnets, Is.EqualTo(new[] { "subnet-0a1b2c3d", "subnet-4e5f6a7b" }));
            Assert.That(options.SecurityGroups, Is.EqualTo(new[] { "sg-0123456789abcdef0" }));
            Assert.That(options.LaunchBurst, Is.EqualTo(50));
            Assert.That(options.LaunchesPerSecond, Is.EqualTo(5));
            Assert.That(options.ResolveEndpoint(), Is.EqualTo(new Uri("https://ecs.eu-west-1.amazonaws.com/")));
        });
    }

    [Test]
    public async Task Should_refuse_settings_without_a_cluster()
    {
        await using var provider = Build(new Dictionary<string, string?>(Settings) { ["Ecs:Cluster"] = null });

        var refusal = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<EcsOptions>>().Value);

        Assert.That(refusal!.Failures, Does.Contain("Ecs:Cluster is required."));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();

        services.AddEcsTaskLauncher(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }
}

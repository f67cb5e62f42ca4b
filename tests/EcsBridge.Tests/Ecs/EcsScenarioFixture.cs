namespace EventPlatform.EcsBridge.Tests.Ecs;

/// <summary>A fresh fake ECS endpoint and client for every test.</summary>
public abstract class EcsScenarioFixture
{
    internal EcsScenario Scenario { get; private set; } = null!;

    [SetUp]
    public async Task StartScenario() => Scenario = await EcsScenario.StartAsync();

    [TearDown]
    public async Task StopScenario() => await Scenario.DisposeAsync();
}

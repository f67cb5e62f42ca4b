namespace EventPlatform.EndToEndTests;

/// <summary>One running platform per fixture, started before its first test and stopped after its last.</summary>
public abstract class PlatformFixture
{
    internal RunningPlatform Platform { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartPlatform() => Platform = await RunningPlatform.StartAsync();

    [OneTimeTearDown]
    public async Task StopPlatform() => await Platform.DisposeAsync();
}

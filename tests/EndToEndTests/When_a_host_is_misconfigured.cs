namespace EventPlatform.EndToEndTests;

/// <summary>A setting the host cannot run with stops it at start with one line, before it touches anything.</summary>
[TestFixture]
public sealed class When_a_host_is_misconfigured
{
    [Test]
    public async Task Should_refuse_an_unknown_module_with_one_line_and_exit_code_2()
    {
        var (exitCode, error) = await HostProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Host__Modules"] = "Api,Billing",
        });

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error.TrimEnd(), Is.EqualTo(
            "eventplatform: Host:Modules names an unknown module 'Billing'; the modules are Api, Sagas, EcsBridge, Projections."));
    }

    [Test]
    public async Task Should_refuse_an_unknown_transport_with_one_line_and_exit_code_2()
    {
        var (exitCode, error) = await HostProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Host__Modules"] = "Sagas",
            ["Bus__Transport"] = "AmazonSqs",
        });

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error.TrimEnd(), Is.EqualTo("eventplatform: Bus:Transport 'AmazonSqs' is unknown; use InMemory or RabbitMQ."));
    }

    [Test]
    public async Task Should_refuse_to_start_without_a_database_with_one_line_and_exit_code_2()
    {
        var (exitCode, error) = await HostProcess.RunToExitAsync(new Dictionary<string, string> { ["Host__Modules"] = "Api" });

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(error.TrimEnd(), Does.StartWith("eventplatform: ConnectionStrings:Postgres is not set").And.Not.Contain("\n"));
    }
}

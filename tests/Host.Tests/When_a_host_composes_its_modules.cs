
using JasperFx.Events.Daemon;

namespace EventPlatform.Host.Tests;

public class When_a_host_composes_its_modules
{
    private static readonly string[] SagaWork = ["ScheduledMessageDispatcher", "TaskReconciler", "AdmissionController", "LifecycleGauges"];
    private static readonly string[] ApiWork = ["JobChangeFeed"];
    private static readonly string[] LauncherConsumers = ["LaunchTaskConsumer", "StopTaskConsumer", "ReconcileTaskConsumer"];

    [Test]
    public async Task Should_compose_every_module_when_none_is_named()
    {
        await using var host = ComposedHost.Build(modules: null);

        Assert.That(host.Consumers, Is.SupersetOf(LauncherConsumers).And.Contains("DeadLetterRecorder`1").And.Contains("JobState"));
        Assert.That(host.Background, Is.EquivalentTo(SagaWork.Concat(ApiWork)));
        Assert.That(host.Daemon, Is.EqualTo(DaemonMode.HotCold));
        Assert.That(host.HasBus, Is.True);
        Assert.That(host.Routes, Does.Contain("/healthz").And.Contains("/jobs/").And.Contains("/admin/dead-letters/"));
    }

    [Test]
    public async Task Should_serve_http_and_publish_but_consume_nothing_in_an_api_host()
    {
        await using var host = ComposedHost.Build("Api");

        Assert.That(host.Consumers, Is.Empty);
        Assert.That(host.Background, Is.EquivalentTo(ApiWork), "the feed behind GET /jobs/events");
        Assert.That(host.Daemon, Is.EqualTo(DaemonMode.Disabled));
        Assert.That(host.HasBus, Is.True);
        Assert.That(host.Routes, Does.Contain("/healthz").And.Contains("/jobs/{jobId:guid}").And.Contains("/admin/dead-letters/"));
    }

    [Test]
    public async Task Should_run_the_saga_its_timers_admission_reconciliation_and_dead_letters_in_a_sagas_host()
    {
        await using var host = ComposedHost.Build("Sagas");

        Assert.That(host.Consumers.Distinct(), Is.EquivalentTo(new[] { "JobState", "DeadLetterRecorder`1" }));
        Assert.That(host.Background, Is.EquivalentTo(SagaWork));
        Assert.That(host.Daemon, Is.EqualTo(DaemonMode.Disabled));
        Assert.That(host.Routes, Is.EqualTo(new[] { "/healthz", "/metrics" }));
    }

    [Test]
    public async Task Should_run_only_the_launcher_consumers_in_an_ecs_bridge_host()
    {
        await using var host = ComposedHost.Build("ecsbridge");

        Assert.That(host.Consumers, Is.EquivalentTo(LauncherConsumers));
        Assert.That(host.Background, Is.Empty);
        Assert.That(host.Daemon, Is.EqualTo(DaemonMode.Disabled));
        Assert.That(host.Routes, Is.EqualTo(new[] { "/healthz", "/metrics" }));
    }

    [Test]
    public async Task Should_run_the_async_daemon_without_a_bus_in_a_projections_host()
    {
        await using var host = ComposedHost.Build("Projections");
        await using var withoutDaemon = ComposedHost.Build("Projections", runAsyncDaemon: false);

        Assert.That(host.Daemon, Is.EqualTo(DaemonMode.HotCold));
        Assert.That(host.HasBus, Is.False, "the async daemon needs no broker");
        Assert.That(host.Routes, Is.EqualTo(new[] { "/healthz", "/metrics" }));
        Assert.That(withoutDaemon.Daemon, Is.EqualTo(DaemonMode.Disabled));
    }

    [Test]
    public async Task Should_compose_a_list_of_modules_in_any_case_and_spacing()
    {
        await using var host = ComposedHost.Build(" sagas , EcsBridge,Projections ");

        Assert.That(host.Consumers, Is.SupersetOf(LauncherConsumers).And.Contains("JobState"));
        Assert.That(host.Background, Is.EquivalentTo(SagaWork));
        Assert.That(host.Daemon, Is.EqualTo(DaemonMode.HotCold));
        Assert.That(host.Routes, Is.EqualTo(new[] { "/healthz", "/metrics" }));
    }

    [TestCase("Api,Billing", "Host:Modules names an unknown module 'Billing'; the modules are Api, Sagas, EcsBridge, Projections.")]
    [TestCase("Sagas;Api", "Host:Modules names an unknown module 'Sagas;Api'; the modules are Api, Sagas, EcsBridge, Projections.")]
    [TestCase(" , ", "Host:Modules ' , ' names no module; the modules are Api, Sagas, EcsBridge, Projections.")]
    public void Should_refuse_a_module_it_does_not_know(string modules, string error)
    {
        Assert.That(() => ComposedHost.Build(modules), Throws.TypeOf<HostConfigurationException>().With.Message.EqualTo(error));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void Should_refuse_to_start_without_a_database(string? connectionString)
    {
        Assert.That(
            () => ComposedHost.Build(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = connectionString }),
            Throws.TypeOf<HostConfigurationException>().With.Message.StartsWith("ConnectionStrings:Postgres is not set: every host needs the PostgreSQL database"));
    }

    [Test]
    public void Should_refuse_a_transport_it_does_not_know()
    {
        Assert.That(
            () => ComposedHost.Build("Sagas", transport: "AmazonSqs"),
            Throws.TypeOf<HostConfigurationException>().With.Message.EqualTo("Bus:Transport 'AmazonSqs' is unknown; use InMemory or RabbitMQ."));
    }

    [Test]
    public void Should_refuse_rabbitmq_without_a_host()
    {
        Assert.That(
            () => ComposedHost.Build("Api", transport: "RabbitMQ"),
            Throws.TypeOf<HostConfigurationException>().With.Message.EqualTo(
                "Bus:Transport RabbitMQ needs Bus:RabbitMq:Host (a host name or an amqp:// or amqps:// URI)."));
    }
}

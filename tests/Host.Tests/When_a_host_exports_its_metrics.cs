using System.Net;
using System.Net.Sockets;
using EventPlatform.Testing;

namespace EventPlatform.Host.Tests;

public class When_a_host_exports_its_metrics
{
    [Test]
    public async Task Should_serve_prometheus_only_on_the_port_named_for_it()
    {
        var (service, metrics) = (FreePort(), FreePort());
        var database = await TestPostgres.CreateDatabaseAsync("metrics_port");
        HttpResponseMessage onItsPort, onTheServicePort;
        try
        {
            await using var host = ComposedHost.Build(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = database,
                ["Host:Modules"] = "Projections",
                ["EventStore:RunAsyncDaemon"] = "false",
                ["Telemetry:Prometheus:Port"] = $"{metrics}",
            });
            await host.StartOnAsync($"http://127.0.0.1:{service}", $"http://127.0.0.1:{metrics}");
            using var http = new HttpClient();

            onItsPort = await http.GetAsync(new Uri($"http://127.0.0.1:{metrics}/metrics"));
            onTheServicePort = await http.GetAsync(new Uri($"http://127.0.0.1:{service}/metrics"));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }

        Assert.That(onItsPort.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await onItsPort.Content.ReadAsStringAsync(), Does.Contain("dotnet_gc_collections_total"));
        Assert.That(onTheServicePort.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        onItsPort.Dispose();
        onTheServicePort.Dispose();
    }

    [Test]
    public async Task Should_serve_no_scrape_endpoint_when_prometheus_is_switched_off()
    {
        await using var host = ComposedHost.Build(new Dictionary<string, string?>
        {
            ["Host:Modules"] = "Projections",
            ["EventStore:RunAsyncDaemon"] = "false",
            ["Telemetry:Prometheus:Enabled"] = "false",
        });

        Assert.That(host.Routes, Is.EqualTo(new[] { "/healthz" }));
    }

    [Test]
    public void Should_refuse_a_scrape_path_that_is_not_a_path()
    {
        var refused = Assert.Throws<HostConfigurationException>(() => ComposedHost.Build(new Dictionary<string, string?>
        {
            ["Host:Modules"] = "Projections",
            ["Telemetry:Prometheus:Path"] = "metrics",
        }));

        Assert.That(refused.Message, Is.EqualTo("Telemetry:Prometheus:Path 'metrics' must start with '/'."));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

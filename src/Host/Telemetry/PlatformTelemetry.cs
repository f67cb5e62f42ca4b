using EventPlatform.Api.Jobs.Submitting;
using EventPlatform.EcsBridge.Telemetry;
using EventPlatform.LocalTasks.ProcessLauncher;
using EventPlatform.Sagas.Telemetry;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EventPlatform.Host.Telemetry;

/// <summary>
/// Every host's metrics through OpenTelemetry: each module's meter and the instruments of the
/// runtime, ASP.NET Core, HttpClient, Npgsql and MassTransit, exported as <see cref="TelemetryOptions"/>
/// says (a Prometheus scrape endpoint by default; OTLP when an endpoint is set; CloudWatch Embedded
/// Metric Format lines on stdout when switched on).
/// See docs/observability.md and docs/adr/0024-telemetry-through-opentelemetry.md.
/// </summary>
internal static class PlatformTelemetry
{
    /// <summary>Every module's meter; a module a host does not run simply records nothing.</summary>
    private static readonly string[] PlatformMeters =
    [
        SubmissionMetrics.MeterName, LifecycleMetrics.MeterName, BridgeMetrics.MeterName,
        "MassTransit",
    ];

    /// <summary>MassTransit's bus hops and the modules' own spans (resumed job traces).</summary>
    private static readonly string[] PlatformSources = ["MassTransit", JobTrace.SourceName, BridgeMetrics.SourceName, AgentRun.SourceName];

    public static void AddPlatformTelemetry(this WebApplicationBuilder builder, PlatformModules modules)
    {
        var settings = TelemetryOptions.From(builder.Configuration);
        builder.Services.AddSingleton(settings);
        // Each ECS service runs its own modules: they name it, unless configuration does.
        var service = settings.ServiceName ?? modules.ToString().Replace(", ", "+", StringComparison.Ordinal);
        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(service));

        // Spans are made even with no exporter: every log line written in one names its trace (@tr).
        if (settings.Tracing.Enabled)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(PlatformSources)
                    .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = http => !IsScrape(http, settings))
                    .AddHttpClientInstrumentation();
                if (settings.Otlp.Endpoint is { } endpoint)
                {
                    tracing.AddOtlpExporter(otlp => otlp.Endpoint = endpoint);
                }
            });
        }

        if (!settings.Prometheus.Enabled && settings.Otlp.Endpoint is null && !settings.Emf.Enabled)
        {
            return;
        }

        telemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter(PlatformMeters)
                    .AddRuntimeInstrumentation()
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsqlInstrumentation();
                if (settings.Prometheus.Enabled)
                {
                    metrics.AddPrometheusExporter();
                }

                if (settings.Otlp.Endpoint is { } endpoint)
                {
                    metrics.AddOtlpExporter(otlp => otlp.Endpoint = endpoint);
                }

                if (settings.Emf.Enabled)
                {
                    // CloudWatch adds up what each line carries: counters go as the change since the last line.
                    metrics.AddReader(new PeriodicExportingMetricReader(
                        new EmfMetricExporter(settings.Emf.Namespace, service, Console.Out),
                        (int)settings.Emf.Interval.TotalMilliseconds)
                    {
                        TemporalityPreference = MetricReaderTemporalityPreference.Delta,
                    });
                }
            });
    }

    private static bool IsScrape(HttpContext http, TelemetryOptions settings) =>
        settings.Prometheus.Enabled && http.Request.Path.Equals(settings.Prometheus.Path, StringComparison.Ordinal);

    /// <summary>
    /// The scrape endpoint, without a key; with <see cref="PrometheusOptions.Port"/> it answers only on that
    /// port, which the host must also listen on (<c>--urls</c> or <c>ASPNETCORE_URLS</c>), so that a port
    /// the load balancer does not route can carry it.
    /// </summary>
    public static void MapPlatformTelemetry(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<TelemetryOptions>();
        if (!settings.Prometheus.Enabled)
        {
            return;
        }

        // The operators' endpoint, in Prometheus's text format: not part of the API the description documents.
        var endpoint = app.MapPrometheusScrapingEndpoint(settings.Prometheus.Path).AllowAnonymous().ExcludeFromDescription();
        if (settings.Prometheus.Port is { } port)
        {
            endpoint.RequireHost($"*:{port}");
        }
    }
}

/// <summary><c>Telemetry</c>: which exports a host runs.</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Null: the modules the host runs (<c>Api</c>, <c>Sagas</c>, <c>All</c>...).</summary>
    public string? ServiceName { get; set; }

    public PrometheusOptions Prometheus { get; set; } = new();

    public OtlpOptions Otlp { get; set; } = new();

    public EmfOptions Emf { get; set; } = new();

    public TracingOptions Tracing { get; set; } = new();

    /// <exception cref="HostConfigurationException">A setting that cannot work.</exception>
    public static TelemetryOptions From(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!settings.Prometheus.Path.StartsWith('/'))
        {
            throw new HostConfigurationException($"{Section}:Prometheus:Path '{settings.Prometheus.Path}' must start with '/'.");
        }

        if (settings.Emf.Interval < TimeSpan.FromSeconds(1))
        {
            throw new HostConfigurationException($"{Section}:Emf:Interval '{settings.Emf.Interval}' is shorter than CloudWatch's finest resolution, one second.");
        }

        return settings;
    }
}

internal sealed class PrometheusOptions
{
    public bool Enabled { get; set; } = true;

    public string Path { get; set; } = "/metrics";

    /// <summary>The only local port the endpoint answers on; null: any port the host listens on.</summary>
    public int? Port { get; set; }
}

internal sealed class OtlpOptions
{
    /// <summary>The collector (such as <c>http://127.0.0.1:4317</c>); null: no OTLP export.</summary>
    public Uri? Endpoint { get; set; }
}

/// <summary>CloudWatch Embedded Metric Format lines on stdout (on in the host image that the AWS services run).</summary>
internal sealed class EmfOptions
{
    public bool Enabled { get; set; }

    public string Namespace { get; set; } = "EventPlatform";

    /// <summary>How often the lines are written: one per set of labels each time.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed class TracingOptions
{
    /// <summary>Spans for every request, bus hop and resumed job trace; exported only through OTLP.</summary>
    public bool Enabled { get; set; } = true;
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EventPlatform.Api.Http;
using EventPlatform.Host.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace EventPlatform.Host;

/// <summary>What every EventPlatform host has: JSON logs, ProblemDetails errors with request ids, health, metrics.</summary>
internal static class PlatformDefaults
{
    public static void AddPlatformDefaults(this WebApplicationBuilder builder, PlatformModules modules)
    {
        builder.Services.AddSerilog(logger => logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Marten", LogEventLevel.Warning)
            .MinimumLevel.Override("MassTransit", LogEventLevel.Warning)
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(new CompactJsonFormatter()));
        builder.Services.AddPlatformProblemDetails();

        // Request limits (Kestrel:Limits, such as MaxRequestBodySize) come from configuration.
        builder.Services.Configure<KestrelServerOptions>(builder.Configuration.GetSection("Kestrel"));

        // Kestrel refuses a header byte outside ASCII with an empty 400 before any request exists;
        // read as Latin-1, such a header reaches the API, which answers with a ProblemDetails.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.RequestHeaderEncodingSelector = _ => Encoding.Latin1);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            // Bodies are read by hand and take numbers only as numbers; the API description says so.
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddPlatformTelemetry(modules);
    }

    public static void UsePlatformDefaults(this WebApplication app)
    {
        app.UseRequestIds();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealth();
        app.MapPlatformTelemetry();
    }

    /// <summary>Runs the host; a port already in use is one line on stderr and exit code 2, not a stack trace.</summary>
    public static async Task<int> RunUntilStoppedAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException)
        {
            await Console.Error.WriteLineAsync($"eventplatform: cannot listen on {string.Join(", ", app.Urls)}: the port is already in use.").ConfigureAwait(false);
            return 2;
        }
    }
}

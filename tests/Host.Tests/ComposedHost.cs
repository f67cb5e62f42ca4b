
using JasperFx.Events.Daemon;
using Marten;
using MassTransit;
using MassTransit.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EventPlatform.Host.Tests;

/// <summary>A host built (not started) from the given settings, and what it would run.</summary>
internal sealed class ComposedHost(WebApplication app) : IAsyncDisposable
{
    public IReadOnlyList<string> Consumers { get; } =
    [
        .. app.Services.GetServices<IConsumerRegistration>().Select(r => r.Type.Name),
        .. app.Services.GetServices<ISagaRegistration>().Select(r => r.Type.Name),
    ];

    public IReadOnlyList<string> Background { get; } =
    [
        .. app.Services.GetServices<IHostedService>()
            .Select(s => s.GetType())
            .Where(t => t.Namespace?.StartsWith("EventPlatform.", StringComparison.Ordinal) == true)
            .Select(t => t.Name),
    ];

    public DaemonMode Daemon { get; } = app.Services.GetRequiredService<StoreOptions>().Projections.AsyncMode;

    public bool HasBus { get; } = app.Services.GetService<IBusControl>() is not null;

    /// <summary>The host's services, to see which implementation it chose.</summary>
    public IServiceProvider Services => app.Services;

    public IReadOnlyList<string> Routes { get; } =
    [
        .. ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(endpoint => endpoint.RoutePattern.RawText ?? string.Empty)
            .Distinct(),
    ];

    public static ComposedHost Build(string? modules, string transport = "InMemory", bool runAsyncDaemon = true) => Build(new Dictionary<string, string?>
    {
        ["Host:Modules"] = modules,
        ["Bus:Transport"] = transport,
        ["EventStore:RunAsyncDaemon"] = runAsyncDaemon ? "true" : "false",
    });

    /// <param name="settings">Configuration keys (Section:Key) and values; a database that is never reached unless set.</param>
    public static ComposedHost Build(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Port=1;Username=nobody";
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        var composed = builder.AddPlatformModules();
        var app = builder.Build();
        app.UsePlatformModules(composed);
        return new ComposedHost(app);
    }

    private bool started;

    /// <summary>Runs every options validation the host runs at start (ValidateOnStart), without starting it.</summary>
    public void ValidateOptions() => app.Services.GetService<IStartupValidator>()?.Validate();

    /// <summary>Starts the host on a free loopback port (whatever port its settings name) and gives its address.</summary>
    public async Task<Uri> StartAsync()
    {
        await StartOnAsync("http://127.0.0.1:0");
        return new Uri(app.Urls.Single());
    }

    /// <summary>Starts the host listening on every one of <paramref name="urls"/>.</summary>
    public async Task StartOnAsync(params string[] urls)
    {
        app.Urls.Clear();
        foreach (var url in urls)
        {
            app.Urls.Add(url);
        }

        await app.StartAsync();
        started = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (started)
        {
            await app.StopAsync();
        }

        await app.DisposeAsync();
    }
}

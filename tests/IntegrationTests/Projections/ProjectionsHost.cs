using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections;
using EventPlatform.Testing;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventPlatform.IntegrationTests.Projections;

/// <summary>The event store module with its daemon (unless told otherwise), on a database of its own.</summary>
internal sealed class ProjectionsHost : IAsyncDisposable
{
    private readonly IHost host;
    private readonly string connectionString;
    private readonly bool ownsDatabase;

    private ProjectionsHost(IHost host, string connectionString, bool ownsDatabase)
    {
        this.host = host;
        this.connectionString = connectionString;
        this.ownsDatabase = ownsDatabase;
    }

    public IDocumentStore Store => host.Services.GetRequiredService<IDocumentStore>();

    public string ConnectionString => connectionString;

    public T Get<T>()
        where T : notnull => host.Services.GetRequiredService<T>();

    public static async Task<ProjectionsHost> StartAsync(string purpose, bool runAsyncDaemon = true) =>
        await StartAsync(await TestPostgres.CreateDatabaseAsync(purpose), runAsyncDaemon, ownsDatabase: true);

    /// <summary>A host with a daemon on the database of another, which drops it.</summary>
    public static Task<ProjectionsHost> StartOnAsync(string connectionString) => StartAsync(connectionString, runAsyncDaemon: true, ownsDatabase: false);

    private static async Task<ProjectionsHost> StartAsync(string connectionString, bool runAsyncDaemon, bool ownsDatabase)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:Postgres"] = connectionString;
        builder.Configuration["EventStore:RunAsyncDaemon"] = runAsyncDaemon ? "true" : "false";
        builder.Services.AddProjections(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new ProjectionsHost(host, connectionString, ownsDatabase);
    }

    public static JobSpec Spec(JobPriority priority = JobPriority.Normal) => new(["true"], 60, priority, new Dictionary<string, string>());

    /// <summary>Appends to job streams in one transaction, as one saga transition (or the API's submission) does.</summary>
    public async Task AppendAsync(Guid jobId, params object[] events)
    {
        await using var session = Store.LightweightSession();
        if (events[0] is JobSubmitted)
        {
            session.Events.StartStream(jobId, events);
        }
        else
        {
            session.Events.Append(jobId, events);
        }

        await session.SaveChangesAsync();
    }

    public Task CaughtUpAsync() => Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

    public async Task<T?> LoadAsync<T>(object id)
        where T : notnull
    {
        await using var session = Store.QuerySession();
        return id switch
        {
            string key => await session.LoadAsync<T>(key),
            Guid guid => await session.LoadAsync<T>(guid),
            _ => throw new ArgumentException("string or Guid ids only", nameof(id)),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
        if (ownsDatabase)
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }
}

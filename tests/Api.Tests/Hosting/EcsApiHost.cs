using EventPlatform.EcsBridge.Tests.Ecs;
using EventPlatform.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EventPlatform.Api.Tests.Hosting;

/// <summary>
/// The whole API host with the ECS launcher, its ECS and CloudWatch Logs calls answered by a fake
/// endpoint on loopback, on a PostgreSQL database of its own, with a local artifact store; alice's key.
/// </summary>
internal sealed class EcsApiHost : IAsyncDisposable
{
    public const string ApiKey = "alice-key";

    private readonly string connectionString;

    private EcsApiHost(FakeEcs aws, string connectionString, DirectoryInfo artifacts, WebApplicationFactory<Program> factory)
    {
        Aws = aws;
        this.connectionString = connectionString;
        Artifacts = artifacts;
        Factory = factory;
    }

    public FakeEcs Aws { get; }

    public DirectoryInfo Artifacts { get; }

    public WebApplicationFactory<Program> Factory { get; }

    /// <param name="database">The name the test database starts with.</param>
    /// <param name="settings">Settings beyond the defaults, such as the ECS launcher's own (Ecs:ArtifactsBucket ...).</param>
    public static async Task<EcsApiHost> StartAsync(string database, IReadOnlyDictionary<string, string> settings)
    {
        var aws = await FakeEcs.StartAsync();
        var connectionString = await TestPostgres.CreateDatabaseAsync(database);
        var artifacts = Directory.CreateTempSubdirectory($"ep-{database}-");
        var all = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["EventStore:RunAsyncDaemon"] = "false",
            ["Reconciliation:RunReconciler"] = "false",
            ["Auth:ApiKeys:0:Key"] = ApiKey,
            ["Auth:ApiKeys:0:User"] = "alice",
            ["Artifacts:Store"] = "Local",
            ["Artifacts:LocalRoot"] = artifacts.FullName,
            ["EcsBridge:Launcher"] = "Ecs",
            ["Ecs:Region"] = "eu-west-1",
            ["Ecs:Endpoint"] = aws.Endpoint.ToString(),
            ["Ecs:LogsEndpoint"] = aws.Endpoint.ToString(),
            ["Ecs:AgentLogGroup"] = "/ecs/test/agent",
            ["Ecs:Cluster"] = "eventplatform-jobs",
            ["Ecs:TaskDefinition"] = "eventplatform-agent:1",
            ["Ecs:Subnets:0"] = "subnet-0a1b2c3d",
            ["Ecs:ArtifactsBucket"] = "eventplatform-artifacts",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        // Fixed credentials through the SDK's own chain, as a task role's would arrive.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (key, value) in all)
            {
                host.UseSetting(key, value);
            }
        });
        _ = factory.Server;
        return new EcsApiHost(aws, connectionString, artifacts, factory);
    }

    /// <summary>A client calling with alice's key.</summary>
    public HttpClient Client()
    {
        var http = Factory.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Aws.DisposeAsync();
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", null);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", null);
        await TestPostgres.DropDatabaseAsync(connectionString);
        Artifacts.Delete(recursive: true);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Sagas.DeadLetters;
using EventPlatform.Sagas.Scheduling;
using EventPlatform.Testing;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EventPlatform.Api.Tests.Hosting;

/// <summary>
/// The API host in this process, over a database of its own in the cluster ./test.sh starts, with
/// jobs run by the instant launcher (they succeed as soon as they start) and three callers.
/// Bob's cap of 0 running jobs keeps his jobs in the queue.
/// </summary>
public abstract class ApiHost
{
    internal const string AliceKey = "alice-key";
    internal const string BobKey = "bob-key";
    internal const string AdminKey = "admin-key";

    private static readonly Dictionary<string, string> TestSettings = new()
    {
        ["EcsBridge:Launcher"] = "Instant",
        ["Auth:ApiKeys:0:Key"] = AliceKey,
        ["Auth:ApiKeys:0:User"] = "alice",
        ["Auth:ApiKeys:1:Key"] = BobKey,
        ["Auth:ApiKeys:1:User"] = "bob",
        ["Auth:ApiKeys:2:Key"] = AdminKey,
        ["Auth:ApiKeys:2:User"] = "root",
        ["Auth:ApiKeys:2:Admin"] = "true",
        ["Admission:UserLimits:bob"] = "0",
        ["Admission:PollInterval"] = "00:00:00.050",
        ["Scheduler:PollInterval"] = "00:00:00.100",
        ["RateLimits:Submissions:Burst"] = "1000",
        ["RateLimits:Submissions:PerSecond"] = "1000",
    };

    private readonly List<Factory> otherHosts = [];
    private string connectionString = null!;
    private Dictionary<string, string> settings = null!;
    private Factory factory = null!;

    internal IServiceProvider Services => factory.Services;

    /// <summary>Host settings beyond the defaults above.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    [OneTimeSetUp]
    public async Task StartHost()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("api");
        settings = new Dictionary<string, string>(TestSettings) { ["ConnectionStrings:Postgres"] = connectionString };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        factory = new Factory(settings, ConfigureServices);
        _ = factory.Server;
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        foreach (var other in otherHosts)
        {
            await other.DisposeAsync();
        }

        await factory.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(connectionString);
    }

    /// <summary>A client calling with <paramref name="apiKey"/>, or with none.</summary>
    internal HttpClient ClientFor(string? apiKey)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    /// <summary>A client of a second API host with the same settings on the same database, as a second task behind a load balancer.</summary>
    internal HttpClient ClientOfAnotherHost()
    {
        var other = new Factory(settings, ConfigureServices);
        otherHosts.Add(other);
        return other.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
    }

    /// <summary>POST /session with <paramref name="key"/>: what the sign-in page does.</summary>
    internal static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string key, string? forwardedProto = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/session", UriKind.Relative));
        request.Headers.Add("X-Api-Key", key);
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        return await browser.SendAsync(request);
    }

    /// <summary>A client that keeps cookies and sends no key, as a browser does, over HTTP or HTTPS.</summary>
    internal HttpClient BrowserFor(bool https = false) => factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
        BaseAddress = new Uri(https ? "https://localhost" : "http://localhost"),
    });

    internal static async Task<Guid> SubmitAsync(HttpClient client, object job)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), job);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
    }

    internal static Task<JsonElement> StateAsync(HttpClient client, Guid jobId, string state) => Eventually.MatchAsync(
        () => client.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}", UriKind.Relative)),
        job => job.GetProperty("state").GetString() == state,
        TimeSpan.FromSeconds(60),
        $"job {jobId} to be {state}");

    /// <summary>Stores <paramref name="message"/> as a dead letter, as the recorder would have; returns its id.</summary>
    internal async Task<Guid> DeadLetterAsync(object message)
    {
        var letterId = Guid.CreateVersion7();
        var store = Services.GetRequiredService<IDocumentStore>();
        await using var session = store.LightweightSession();
        session.QueueSqlCommand(
            $"insert into {DeadLetterTable.QualifiedName(store)} (id, message_type, body, consumer, exception, failed_at) values (?, ?, ?::jsonb, 'test', 'test', now())",
            letterId,
            ContractMessageJson.TypeName(message),
            ContractMessageJson.Serialize(message));
        await session.SaveChangesAsync();
        return letterId;
    }

    /// <summary>Replaces services of the host, to make a dependency fail.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    private sealed class Factory(Dictionary<string, string> settings, Action<IServiceCollection> configureServices) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(configureServices);
        }
    }
}

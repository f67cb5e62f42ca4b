using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EventPlatform.Testing;
using Npgsql;

namespace EventPlatform.ContainerTests;

/// <summary>
/// A container of the host image as the api service runs it (Host__Modules=Api over RabbitMQ, keys
/// from a JSON secret), against the PostgreSQL cluster and RabbitMQ node ./test.sh started.
/// </summary>
public partial class When_the_host_image_runs_a_service
{
    private const string Key = "container-test-key-5f1e2d3c4b5a6978";

    private string database = null!;
    private string container = null!;
    private Uri address = null!;

    [OneTimeSetUp]
    public async Task StartTheApiContainer()
    {
        database = await TestPostgres.CreateDatabaseAsync("container");
        var postgres = new NpgsqlConnectionStringBuilder(database) { Host = Podman.HostLoopback };
        var broker = new UriBuilder(Environment.GetEnvironmentVariable("EP_TEST_RABBITMQ")
            ?? throw new InvalidOperationException("EP_TEST_RABBITMQ is not set. Run the tests through ./test.sh, which starts a private RabbitMQ node."))
        { Host = Podman.HostLoopback };
        var port = Podman.FreePort();
        address = new Uri($"http://127.0.0.1:{port}");
        var keyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)));

        container = await Podman.RequireAsync(
        [
            "run", "--detach", .. Podman.OwnNetwork, "--publish", $"127.0.0.1:{port}:8080",
            "--env", "Host__Modules=Api",
            "--env", $"ConnectionStrings__Postgres={postgres.ConnectionString}",
            "--env", "Bus__Transport=RabbitMQ",
            "--env", $"Bus__RabbitMq__Host={broker.Uri}",
            "--env", "Bus__RabbitMq__Username=guest",
            "--env", "Bus__RabbitMq__Password=guest",
            "--env", $$"""Auth__ApiKeysJson=[{"User":"ci","KeyHash":"{{keyHash}}"}]""",
            Podman.Image("api"),
        ]);
        await WaitUntilHealthyAsync();
    }

    [OneTimeTearDown]
    public async Task RemoveTheContainer()
    {
        if (container is not null)
        {
            await Podman.RunAsync("rm", "--force", container);
        }

        await TestPostgres.DropDatabaseAsync(database);
    }

    [Test]
    public async Task Should_pass_the_health_check_the_stack_gives_its_task_definitions()
    {
        var (exitCode, _, error) = await Podman.RunAsync("exec", container, "bash", "-c", StackHealthCheck());

        Assert.That(exitCode, Is.Zero, error);
    }

    [Test]
    public async Task Should_run_as_a_non_root_user()
    {
        Assert.That(await Podman.RequireAsync("image", "inspect", "--format", "{{.Config.User}}", Podman.Image("api")), Is.EqualTo("10000:10000"));
        Assert.That(await Podman.RequireAsync("exec", container, "id", "-u"), Is.EqualTo("10000"));
    }

    [Test]
    public async Task Should_take_a_job_with_a_key_from_the_secret_and_refuse_another()
    {
        using var http = new HttpClient { BaseAddress = address };

        Assert.That(await SubmitAsync(http, Key), Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await SubmitAsync(http, "not-" + Key), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Should_find_every_native_library_the_runtime_and_npgsql_load()
    {
        var (_, output, error) = await Podman.RunAsync("logs", container);

        Assert.That(output + error, Does.Not.Contain("Cannot load library").And.Not.Contain("cannot open shared object file"));
    }

    private static async Task<HttpStatusCode> SubmitAsync(HttpClient http, string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/jobs")
        {
            Content = JsonContent.Create(new { command = new[] { "true" }, timeoutSeconds = 60 }),
        };
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The api container's health check command in platform.yaml, as ECS runs it (CMD bash -c ...).</summary>
    private static string StackHealthCheck()
    {
        var template = File.ReadAllText(Path.Combine(Podman.RepositoryRoot, "infra", "cloudformation", "platform.yaml"));
        var api = template.IndexOf("        - Name: api\n", StringComparison.Ordinal);
        Assert.That(api, Is.GreaterThan(0), "the api container in platform.yaml");
        var check = HealthCheck().Match(template, api);
        Assert.That(check.Success, Is.True, "the api container's health check in platform.yaml");
        return check.Groups["command"].Value;
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (await Podman.RequireAsync("inspect", "--format", "{{.State.Running}}", container) != "true")
            {
                break;
            }

            await Task.Delay(500);
        }

        var (_, output, error) = await Podman.RunAsync("logs", container);
        Assert.Fail($"The api container did not answer /healthz with 200 within 90 s:\n{output}\n{error}");
    }

    [GeneratedRegex(@"HealthCheck:\s+Command:\s+- CMD\s+- bash\s+- -c\s+- '(?<command>[^']+)'")]
    private static partial Regex HealthCheck();
}

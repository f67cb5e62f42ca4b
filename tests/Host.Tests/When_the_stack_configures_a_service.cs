using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EventPlatform.Testing;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace EventPlatform.Host.Tests;

/// <summary>
/// Each ECS service in infra/cloudformation/platform.yaml, given the environment its task
/// definition sets, composes the modules it is meant to run and passes the host's start-up checks.
/// Values CloudFormation computes (!Ref, !GetAtt ...) stand in as a realistic example of their kind.
/// </summary>
public partial class When_the_stack_configures_a_service
{
    private static readonly Lazy<string> Template = new(() => File.ReadAllText(Path.Combine(RepositoryRoot(), "infra", "cloudformation", "platform.yaml")));

    [Test]
    public async Task Should_serve_the_api_and_publish_over_rabbitmq_in_the_api_service()
    {
        var environment = EnvironmentOf("api");
        await using var host = Compose(environment);

        Assert.That(environment["Bus:Transport"], Is.EqualTo("RabbitMQ"));
        Assert.That(host.HasBus, Is.True);
        Assert.That(host.Consumers, Is.Empty);
        Assert.That(host.Routes, Does.Contain("/jobs/").And.Contains("/healthz"));
    }

    [Test]
    public async Task Should_run_the_saga_in_the_sagas_service()
    {
        var environment = EnvironmentOf("sagas");
        await using var host = Compose(environment);

        Assert.That(environment["Bus:Transport"], Is.EqualTo("RabbitMQ"));
        Assert.That(host.Consumers, Does.Contain("JobState"));
        Assert.That(host.Background, Is.EquivalentTo(new[] { "ScheduledMessageDispatcher", "TaskReconciler", "AdmissionController", "LifecycleGauges" }));
        Assert.That(host.Routes, Is.EqualTo(new[] { "/healthz", "/metrics" }));
    }

    [Test]
    public async Task Should_launch_on_ecs_and_read_the_task_events_queue_in_the_bridge_service()
    {
        var environment = EnvironmentOf("bridge");
        await using var host = Compose(environment);

        Assert.That(environment["Bus:Transport"], Is.EqualTo("RabbitMQ"));
        Assert.That(environment["EcsBridge:Launcher"], Is.EqualTo("Ecs"));
        Assert.That(host.Consumers, Is.EquivalentTo(new[] { "LaunchTaskConsumer", "StopTaskConsumer", "ReconcileTaskConsumer" }));
        Assert.That(host.Background, Is.EqualTo(new[] { "SqsTaskEventPoller" }));
    }

    [Test]
    public async Task Should_run_the_async_daemon_and_no_bus_in_the_projections_service()
    {
        var environment = EnvironmentOf("projections");
        await using var host = Compose(environment);

        Assert.That(environment.Keys.Where(k => k.StartsWith("Bus:", StringComparison.Ordinal)), Is.Empty, "a host without a bus is given no broker");
        Assert.That(host.HasBus, Is.False);
        Assert.That(host.Daemon, Is.EqualTo(DaemonMode.HotCold));
    }

    /// <summary>
    /// The api task as ECS starts it: its environment, and the API keys secret the stack generated,
    /// injected whole. Only where the servers are and their credentials differ: the test's PostgreSQL
    /// database and RabbitMQ node (user guest) stand in for RDS and Amazon MQ.
    /// </summary>
    [Test]
    public async Task Should_accept_the_key_the_stack_made_and_refuse_any_other_in_the_api_service()
    {
        var (secret, key) = ApiKeysSecretAsTheStackMakes();
        var environment = EnvironmentOf("api");
        Assert.That(environment, Does.ContainKey("Auth:ApiKeysJson"), "the api task is given the secret");
        environment["Auth:ApiKeysJson"] = secret;
        environment["Bus:RabbitMq:Host"] = Environment.GetEnvironmentVariable("EP_TEST_RABBITMQ")
            ?? throw new InvalidOperationException("EP_TEST_RABBITMQ is not set. Run the tests through ./test.sh, which starts a private RabbitMQ node.");
        environment["Bus:RabbitMq:Username"] = "guest";
        environment["Bus:RabbitMq:Password"] = "guest";
        var database = await TestPostgres.CreateDatabaseAsync("stack_api");
        environment["ConnectionStrings:Postgres"] = database;
        try
        {
            await using var host = Compose(environment);
            // What the migration task does before the services start (they only verify the schema).
            await host.Services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            var address = await host.StartAsync();

            using var http = new HttpClient { BaseAddress = address };
            var accepted = await SubmitAsync(http, key);
            Assert.That(accepted.Status, Is.EqualTo(HttpStatusCode.Accepted), accepted.Body);
            Assert.That((await SubmitAsync(http, key[..^1] + (key[^1] == 'a' ? 'b' : 'a'))).Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That((await SubmitAsync(http, ApiKeyHash(key))).Status, Is.EqualTo(HttpStatusCode.Unauthorized), "the hash is not a key");
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> SubmitAsync(HttpClient http, string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/jobs")
        {
            Content = JsonContent.Create(new { command = new[] { "sh", "-c", "echo hi" }, timeoutSeconds = 60 }),
        };
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string ApiKeyHash(string key) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    /// <summary>
    /// The ApiKeysSecret resource's GenerateSecretString, done as Secrets Manager does it: the template
    /// with a random string of PasswordLength letters and digits (ExcludePunctuation) under GenerateStringKey.
    /// </summary>
    private static (string Secret, string Key) ApiKeysSecretAsTheStackMakes()
    {
        var start = Template.Value.IndexOf("  ApiKeysSecret:\n", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThan(0), "ApiKeysSecret in platform.yaml");
        var resource = Template.Value[start..Template.Value.IndexOf("\n\n", start, StringComparison.Ordinal)];
        var generate = GenerateSecretString().Match(resource);
        Assert.That(generate.Success, Is.True, resource);
        Assert.That(resource, Does.Contain("ExcludePunctuation: true"));

        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var key = RandomNumberGenerator.GetString(alphabet, int.Parse(generate.Groups["length"].Value, System.Globalization.CultureInfo.InvariantCulture));
        var secret = JsonNode.Parse(generate.Groups["template"].Value)!.AsObject();
        secret[generate.Groups["key"].Value] = key;
        return (secret.ToJsonString(), key);
    }

    /// <remarks>AWS_REGION is read by the AWS SDK from the process environment, not from configuration.</remarks>
    private static ComposedHost Compose(Dictionary<string, string?> environment)
    {
        var region = Environment.GetEnvironmentVariable("AWS_REGION");
        Environment.SetEnvironmentVariable("AWS_REGION", environment.GetValueOrDefault("AWS_REGION"));
        try
        {
            var host = ComposedHost.Build(environment);
            host.ValidateOptions();
            return host;
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_REGION", region);
        }
    }

    /// <summary>The container's Environment and Secrets, as configuration keys.</summary>
    private static Dictionary<string, string?> EnvironmentOf(string container)
    {
        var start = Template.Value.IndexOf($"        - Name: {container}\n", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThan(0), $"container {container} in platform.yaml");
        var end = Template.Value.IndexOf("          HealthCheck:", start, StringComparison.Ordinal);
        var definition = Template.Value[start..end];

        var environment = new Dictionary<string, string?>();
        foreach (Match variable in Variable().Matches(definition))
        {
            var value = variable.Groups["value"].Value.Trim().Trim('"');
            environment[variable.Groups["name"].Value.Replace("__", ":", StringComparison.Ordinal)] = value.StartsWith('!') ? ExampleOf(value) : value;
        }

        Assert.That(environment, Does.ContainKey("Host:Modules"));
        return environment;
    }

    private static string ExampleOf(string expression) => expression switch
    {
        _ when expression.Contains("ApiKeysSecret", StringComparison.Ordinal) => """{"User":"admin","Admin":true,"Key":"example-key"}""",
        _ when expression.Contains("AmqpEndpoints", StringComparison.Ordinal) => "amqps://b-0a1b2c3d.mq.eu-west-1.amazonaws.com:5671",
        _ when expression.Contains("TaskEventsQueue", StringComparison.Ordinal) => "https://sqs.eu-west-1.amazonaws.com/123456789012/ep-task-events",
        _ when expression.Contains("Cluster", StringComparison.Ordinal) => "arn:aws:ecs:eu-west-1:123456789012:cluster/ep",
        _ when expression.Contains("Region", StringComparison.Ordinal) => "eu-west-1",
        _ => "example-value",
    };

    // { Name: X, Value: Y } and { Name: X, ValueFrom: Y } on one line (the multi-line connection
    // string is left out: the host is given a database that is never reached).
    [GeneratedRegex(@"- \{ Name: (?<name>\w+), Value(From)?: (?<value>.+) \}")]
    private static partial Regex Variable();

    [GeneratedRegex(@"SecretStringTemplate: '(?<template>[^']+)'\s+GenerateStringKey: (?<key>\w+)\s+PasswordLength: (?<length>\d+)")]
    private static partial Regex GenerateSecretString();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EventPlatform.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("EventPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using EventPlatform.Contracts.Jobs;
using EventPlatform.EcsBridge.Aws;

namespace EventPlatform.EcsBridge.Tests.Ecs;

public class When_launching_a_task_on_ecs : EcsScenarioFixture
{
    private static readonly Guid JobId = Guid.Parse("0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b");

    [Test]
    public async Task Should_post_one_run_task_call_to_the_root_as_json_1_1()
    {
        await Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId), CancellationToken.None);

        var request = Scenario.Server.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Path, Is.EqualTo("/"));
            Assert.That(request.Headers["X-Amz-Target"], Is.EqualTo("AmazonEC2ContainerServiceV20141113.RunTask"));
            Assert.That(request.Headers["Content-Type"], Is.EqualTo("application/x-amz-json-1.1"));
        });
    }

    [Test]
    public async Task Should_hand_the_task_the_jobs_correlation_id_so_its_events_and_logs_carry_it()
    {
        var correlationId = Guid.Parse("0196f0a2-0000-7000-8000-00000000c0de");

        await Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId) with { CorrelationId = correlationId }, CancellationToken.None);

        var environment = Scenario.Server.Requests.Single().Json.GetProperty("overrides").GetProperty("containerOverrides")[0].GetProperty("environment")
            .EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString());
        Assert.That(environment["EP_CORRELATION_ID"], Is.EqualTo("0196f0a200007000800000000000c0de"));
    }

    [Test]
    public async Task Should_hand_the_task_the_jobs_trace_so_its_events_and_logs_join_it()
    {
        const string traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        await Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId) with { TraceParent = traceParent }, CancellationToken.None);

        var environment = Scenario.Server.Requests.Single().Json.GetProperty("overrides").GetProperty("containerOverrides")[0].GetProperty("environment")
            .EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString());
        Assert.That(environment["EP_TRACEPARENT"], Is.EqualTo(traceParent));
    }

    [Test]
    public async Task Should_run_the_agent_task_definition_on_fargate_in_private_subnets()
    {
        await Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId, attempt: 2), CancellationToken.None);

        var body = Scenario.Server.Requests.Single().Json;
        var vpc = body.GetProperty("networkConfiguration").GetProperty("awsvpcConfiguration");
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("cluster").GetString(), Is.EqualTo(EcsScenario.Cluster));
            Assert.That(body.GetProperty("taskDefinition").GetString(), Is.EqualTo(EcsScenario.TaskDefinition));
            Assert.That(body.GetProperty("launchType").GetString(), Is.EqualTo("FARGATE"));
            Assert.That(body.GetProperty("count").GetInt32(), Is.EqualTo(1));
            Assert.That(body.GetProperty("startedBy").GetString(), Is.EqualTo("0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b"));
            Assert.That(body.GetProperty("clientToken").GetString(), Is.EqualTo("0196f0a29d1e7c2f8b3a4c5d6e7f8a9b-2"));
            Assert.That(Strings(vpc.GetProperty("subnets")), Is.EqualTo(new[] { "subnet-0a1b2c3d", "subnet-4e5f6a7b" }));
            Assert.That(Strings(vpc.GetProperty("securityGroups")), Is.EqualTo(new[] { "sg-0123456789abcdef0" }));
            Assert.That(vpc.GetProperty("assignPublicIp").GetString(), Is.EqualTo("DISABLED"));
        });
    }

    [Test]
    public async Task Should_give_the_job_container_the_command_and_the_job_environment_with_the_platform_variables()
    {
        var env = new Dictionary<string, string> { ["NAME"] = "world", ["A_FIRST"] = "1", ["EP_ATTEMPT"] = "99" };

        await Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId, attempt: 3, env), CancellationToken.None);

        var overrides = Scenario.Server.Requests.Single().Json.GetProperty("overrides");
        var container = overrides.GetProperty("containerOverrides").EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(container.GetProperty("name").GetString(), Is.EqualTo("job"));
            Assert.That(Strings(container.GetProperty("command")), Is.EqualTo(new[] { "sh", "-c", "echo hello" }));
            Assert.That(
                container.GetProperty("environment").EnumerateArray().Select(e => (e.GetProperty("name").GetString(), e.GetProperty("value").GetString())),
                Is.EqualTo(new[]
                {
                    ("EP_JOB_ENV__A_FIRST", "1"),
                    ("EP_JOB_ENV__NAME", "world"),
                    ("EP_JOB_ID", "0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b"),
                    ("EP_ATTEMPT", "3"),
                    ("EP_STOP_GRACE_SECONDS", "25"),
                    ("EP_ARTIFACTS_BUCKET", "eventplatform-artifacts"),
                    ("EP_ARTIFACTS_PREFIX", "jobs/0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b/attempt-3/"),
                }));
            Assert.That(overrides.GetProperty("cpu").GetString(), Is.EqualTo("256"), "the job's default size");
            Assert.That(overrides.GetProperty("memory").GetString(), Is.EqualTo("512"));
        });
    }

    [Test]
    public async Task Should_tag_the_task_with_the_job_and_the_attempt()
    {
        await Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId, attempt: 2), CancellationToken.None);

        var tags = Scenario.Server.Requests.Single().Json.GetProperty("tags");
        Assert.That(
            tags.EnumerateArray().Select(t => (t.GetProperty("key").GetString(), t.GetProperty("value").GetString())),
            Is.EqualTo(new[] { ("eventplatform:job-id", "0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b"), ("eventplatform:attempt", "2") }));
    }

    [Test]
    public async Task Should_size_the_task_as_the_jobs_limits_ask()
    {
        await using var sized = await EcsScenario.StartAsync(o => o.ArtifactsPrefix = "staging");
        var launch = EcsScenario.Launch(JobId);
        launch = launch with { Spec = launch.Spec with { Limits = new JobLimits { Cpu = 1024, MemoryMiB = 2048 } } };

        await sized.Launcher.LaunchAsync(launch, CancellationToken.None);

        var overrides = sized.Server.Requests.Single().Json.GetProperty("overrides");
        var environment = overrides.GetProperty("containerOverrides")[0].GetProperty("environment").EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString());
        Assert.Multiple(() =>
        {
            Assert.That(overrides.GetProperty("cpu").GetString(), Is.EqualTo("1024"));
            Assert.That(overrides.GetProperty("memory").GetString(), Is.EqualTo("2048"));
            Assert.That(environment["EP_ARTIFACTS_PREFIX"], Is.EqualTo("staging/jobs/0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b/attempt-1/"));
        });
    }

    [Test]
    public async Task Should_never_pass_on_a_platform_or_aws_variable_from_the_job()
    {
        var env = new Dictionary<string, string> { ["EP_S3_SERVICE_URL"] = "http://attacker.invalid", ["AWS_ACCESS_KEY_ID"] = "x", ["KEPT"] = "1" };

        await Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId, env: env), CancellationToken.None);

        var names = Scenario.Server.Requests.Single().Json.GetProperty("overrides").GetProperty("containerOverrides")[0]
            .GetProperty("environment").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.That(names, Does.Contain("EP_JOB_ENV__KEPT"));
        Assert.That(names, Has.None.Contains("EP_S3_SERVICE_URL").And.None.Contains("AWS_ACCESS_KEY_ID"));
    }

    [Test]
    public async Task Should_send_the_same_call_when_the_same_attempt_is_launched_again()
    {
        var env = new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" };
        var reordered = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" };

        await Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId, 1, env), CancellationToken.None);
        await Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId, 1, reordered), CancellationToken.None);

        var bodies = Scenario.Server.Requests.Select(r => r.Body).ToList();
        Assert.That(bodies, Has.Count.EqualTo(2));
        Assert.That(bodies[1], Is.EqualTo(bodies[0]), "ECS deduplicates by client token only when the parameters are equal too");
    }

    [Test]
    public async Task Should_sign_the_call_with_sigv4_for_ecs_in_the_region()
    {
        await Scenario.Launcher.LaunchAsync(EcsScenario.Launch(JobId), CancellationToken.None);

        var request = Scenario.Server.Requests.Single();
        var authorization = SigV4Oracle.Parse(request.Headers["Authorization"]);
        var signedHeaders = authorization.Groups["signed"].Value.Split(';');
        Assert.Multiple(() =>
        {
            Assert.That(authorization.Success, Is.True, request.Headers["Authorization"]);
            Assert.That(authorization.Groups["key"].Value, Is.EqualTo(EcsScenario.AccessKey));
            Assert.That(authorization.Groups["date"].Value, Is.EqualTo("20260304"));
            Assert.That(authorization.Groups["region"].Value, Is.EqualTo("eu-west-1"));
            Assert.That(authorization.Groups["service"].Value, Is.EqualTo("ecs"));
            Assert.That(signedHeaders, Is.SupersetOf(new[] { "content-type", "host", "x-amz-date", "x-amz-target" }));
            Assert.That(signedHeaders, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
            Assert.That(request.Headers["X-Amz-Date"], Is.EqualTo("20260304T050607Z"));
            Assert.That(
                request.Headers["X-Amz-Content-SHA256"],
                Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.Body)))));
            Assert.That(
                authorization.Groups["signature"].Value,
                Is.EqualTo(SigV4Oracle.ExpectedSignature(request, EcsScenario.SecretKey, "eu-west-1", "ecs")));
        });
    }

    [Test]
    public async Task Should_send_and_sign_the_session_token_of_temporary_credentials()
    {
        await using var temporary = await EcsScenario.StartAsync(credentials: AwsCredentialSource.Fixed(
            new SessionAWSCredentials(EcsScenario.AccessKey, EcsScenario.SecretKey, "FwoGZXIvYXdzEXAMPLETOKEN")));

        await temporary.Launcher.LaunchAsync(EcsScenario.Launch(JobId), CancellationToken.None);

        var request = temporary.Server.Requests.Single();
        var authorization = SigV4Oracle.Parse(request.Headers["Authorization"]);
        Assert.Multiple(() =>
        {
            Assert.That(request.Headers["X-Amz-Security-Token"], Is.EqualTo("FwoGZXIvYXdzEXAMPLETOKEN"));
            Assert.That(authorization.Groups["signed"].Value.Split(';'), Does.Contain("x-amz-security-token"));
            Assert.That(
                authorization.Groups["signature"].Value,
                Is.EqualTo(SigV4Oracle.ExpectedSignature(request, EcsScenario.SecretKey, "eu-west-1", "ecs")));
        });
    }

    private static string?[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString())];
}

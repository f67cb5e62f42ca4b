using EventPlatform.EcsBridge.Ecs;

namespace EventPlatform.EcsBridge.Tests.Ecs;

public class When_describing_tasks_on_ecs : EcsScenarioFixture
{
    private const string StoppedArn = "arn:aws:ecs:eu-west-1:123456789012:task/eventplatform-jobs/5d2c4f0e8a9b4c7d9e1f2a3b4c5d6e7f";
    private const string ForgottenArn = "arn:aws:ecs:eu-west-1:123456789012:task/eventplatform-jobs/0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static readonly Guid JobId = Guid.Parse("0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b");

    [Test]
    public async Task Should_ask_for_the_tasks_of_the_cluster_with_their_tags()
    {
        await Scenario.Client.DescribeTasksAsync([StoppedArn, ForgottenArn], CancellationToken.None);

        var request = Scenario.Server.Requests.Single();
        var body = request.Json;
        Assert.Multiple(() =>
        {
            Assert.That(request.Headers["X-Amz-Target"], Is.EqualTo("AmazonEC2ContainerServiceV20141113.DescribeTasks"));
            Assert.That(request.Headers["Content-Type"], Is.EqualTo("application/x-amz-json-1.1"));
            Assert.That(
                SigV4Oracle.Parse(request.Headers["Authorization"]).Groups["signature"].Value,
                Is.EqualTo(SigV4Oracle.ExpectedSignature(request, EcsScenario.SecretKey, "eu-west-1", "ecs")));
            Assert.That(body.GetProperty("cluster").GetString(), Is.EqualTo(EcsScenario.Cluster));
            Assert.That(body.GetProperty("tasks").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { StoppedArn, ForgottenArn }));
            Assert.That(body.GetProperty("include").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { "TAGS" }));
        });
    }

    [Test]
    public async Task Should_read_the_status_the_stop_code_and_the_job_containers_exit_code()
    {
        Scenario.Server.Answer("DescribeTasks", CannedResponse.Ok($$"""
            {"tasks":[{
              "taskArn":"{{StoppedArn}}","lastStatus":"STOPPED","desiredStatus":"STOPPED","startedBy":"{{JobId}}",
              "stopCode":"EssentialContainerExited","stoppedReason":"Essential container in task exited",
              "startedAt":1772600767.123,"stoppedAt":1772600800.5,
              "containers":[{"name":"log_router","exitCode":0},{"name":"job","lastStatus":"STOPPED","exitCode":3}],
              "tags":[{"key":"eventplatform:attempt","value":"2"}]
            }],
            "failures":[{"arn":"{{ForgottenArn}}","reason":"MISSING"}]}
            """));

        var described = await Scenario.Client.DescribeTasksAsync([StoppedArn, ForgottenArn], CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(described.Tasks, Is.EqualTo(new[]
            {
                new EcsTaskStatus(
                    StoppedArn,
                    "STOPPED",
                    "STOPPED",
                    JobId.ToString(),
                    Attempt: 2,
                    "EssentialContainerExited",
                    "Essential container in task exited",
                    ExitCode: 3,
                    DateTimeOffset.FromUnixTimeMilliseconds(1_772_600_767_123),
                    DateTimeOffset.FromUnixTimeMilliseconds(1_772_600_800_500)),
            }));
            Assert.That(described.Failures, Is.EqualTo(new[] { new Failure(ForgottenArn, "MISSING", null) }));
        });
    }

    [Test]
    public async Task Should_ask_in_batches_of_a_hundred()
    {
        var arns = Enumerable.Range(0, 150).Select(i => $"arn:aws:ecs:eu-west-1:123456789012:task/eventplatform-jobs/{i:x32}").ToList();

        await Scenario.Client.DescribeTasksAsync(arns, CancellationToken.None);

        Assert.That(
            Scenario.Server.RequestsFor("DescribeTasks").Select(r => r.Json.GetProperty("tasks").GetArrayLength()),
            Is.EqualTo(new[] { 100, 50 }));
    }
}

using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.Ecs;

namespace EventPlatform.EcsBridge.Tests.Ecs;

public class When_stopping_a_task_on_ecs : EcsScenarioFixture
{
    private const string TaskArn = "arn:aws:ecs:eu-west-1:123456789012:task/eventplatform-jobs/5d2c4f0e8a9b4c7d9e1f2a3b4c5d6e7f";
    private const string OtherAttemptArn = "arn:aws:ecs:eu-west-1:123456789012:task/eventplatform-jobs/0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private static readonly Guid JobId = Guid.Parse("0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b");

    [Test]
    public async Task Should_stop_the_task_by_its_arn_with_the_reason()
    {
        await Scenario.Launcher.StopAsync(new StopTask(JobId, 2, TaskArn, "Cancelled by user"), CancellationToken.None);

        var request = Scenario.Server.Requests.Single();
        var body = request.Json;
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Path, Is.EqualTo("/"));
            Assert.That(request.Headers["X-Amz-Target"], Is.EqualTo("AmazonEC2ContainerServiceV20141113.StopTask"));
            Assert.That(request.Headers["Content-Type"], Is.EqualTo("application/x-amz-json-1.1"));
            Assert.That(request.Headers["X-Amz-Date"], Is.EqualTo("20260304T050607Z"));
            Assert.That(SigV4Oracle.Parse(request.Headers["Authorization"]).Success, Is.True, request.Headers["Authorization"]);
            Assert.That(
                SigV4Oracle.Parse(request.Headers["Authorization"]).Groups["signature"].Value,
                Is.EqualTo(SigV4Oracle.ExpectedSignature(request, EcsScenario.SecretKey, "eu-west-1", "ecs")));
            Assert.That(body.GetProperty("cluster").GetString(), Is.EqualTo(EcsScenario.Cluster));
            Assert.That(body.GetProperty("task").GetString(), Is.EqualTo(TaskArn));
            Assert.That(body.GetProperty("reason").GetString(), Is.EqualTo("Cancelled by user"));
        });
    }

    [Test]
    public async Task Should_cut_a_long_reason_to_what_ecs_accepts()
    {
        var reason = new string('x', 300);

        await Scenario.Launcher.StopAsync(new StopTask(JobId, 1, TaskArn, reason), CancellationToken.None);

        Assert.That(Scenario.Server.Requests.Single().Json.GetProperty("reason").GetString(), Is.EqualTo(new string('x', 255)));
    }

    [Test]
    public async Task Should_find_and_stop_only_this_attempts_task_when_its_arn_is_unknown()
    {
        Scenario.Server.Answer("ListTasks", CannedResponse.Ok($$"""{"taskArns":["{{OtherAttemptArn}}","{{TaskArn}}"]}"""));
        Scenario.Server.Answer("DescribeTasks", CannedResponse.Ok($$"""
            {"tasks":[
              {"taskArn":"{{OtherAttemptArn}}","lastStatus":"RUNNING","startedBy":"{{JobId}}","tags":[{"key":"eventplatform:attempt","value":"3"}]},
              {"taskArn":"{{TaskArn}}","lastStatus":"PROVISIONING","startedBy":"{{JobId}}","tags":[{"key":"eventplatform:job-id","value":"{{JobId}}"},{"key":"eventplatform:attempt","value":"2"}]}
            ],"failures":[]}
            """));

        await Scenario.Launcher.StopAsync(new StopTask(JobId, 2, TaskId: null, "Start deadline passed"), CancellationToken.None);

        var requests = Scenario.Server.Requests;
        var list = requests[0].Json;
        var describe = requests[1].Json;
        var stop = requests[2].Json;
        Assert.Multiple(() =>
        {
            Assert.That(requests.Select(r => r.Operation), Is.EqualTo(new[] { "ListTasks", "DescribeTasks", "StopTask" }));
            Assert.That(list.GetProperty("cluster").GetString(), Is.EqualTo(EcsScenario.Cluster));
            Assert.That(list.GetProperty("startedBy").GetString(), Is.EqualTo(JobId.ToString()));
            Assert.That(list.GetProperty("desiredStatus").GetString(), Is.EqualTo("RUNNING"));
            Assert.That(describe.GetProperty("tasks").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { OtherAttemptArn, TaskArn }));
            Assert.That(stop.GetProperty("task").GetString(), Is.EqualTo(TaskArn));
            Assert.That(stop.GetProperty("reason").GetString(), Is.EqualTo("Start deadline passed"));
        });
    }

    [Test]
    public async Task Should_do_nothing_when_the_job_has_no_live_task()
    {
        await Scenario.Launcher.StopAsync(new StopTask(JobId, 1, TaskId: null, "Cancelled by user"), CancellationToken.None);

        Assert.That(Scenario.Server.Requests.Select(r => r.Operation), Is.EqualTo(new[] { "ListTasks" }));
    }

    [Test]
    public async Task Should_end_quietly_when_ecs_no_longer_knows_the_task()
    {
        Scenario.Server.Answer("StopTask", CannedResponse.Error(400, "InvalidParameterException", "The referenced task was not found."));

        await Scenario.Launcher.StopAsync(new StopTask(JobId, 1, TaskArn, "Cancelled by user"), CancellationToken.None);

        Assert.That(Scenario.Server.RequestsFor("StopTask"), Has.Count.EqualTo(1));
    }

    [Test]
    public void Should_fail_so_that_the_stop_is_tried_again_when_ecs_keeps_failing()
    {
        Scenario.Server.Answer("StopTask", Enumerable.Repeat(CannedResponse.Error(500, "ServerException", "Internal error."), 10).ToArray());

        var failure = Assert.ThrowsAsync<EcsCallException>(
            () => Scenario.Launcher.StopAsync(new StopTask(JobId, 1, TaskArn, "Cancelled by user"), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Error.Code, Is.EqualTo("ServerException"));
            Assert.That(failure.Error.Retryable, Is.True);
            Assert.That(Scenario.Server.RequestsFor("StopTask"), Has.Count.EqualTo(Scenario.Options.MaxAttempts));
        });
    }
}

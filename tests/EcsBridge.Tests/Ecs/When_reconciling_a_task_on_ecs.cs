using EventPlatform.Contracts.Tasks;

namespace EventPlatform.EcsBridge.Tests.Ecs;

public class When_reconciling_a_task_on_ecs : EcsScenarioFixture
{
    private const string TaskArn = "arn:aws:ecs:eu-west-1:123456789012:task/eventplatform-jobs/5d2c4f0e8a9b4c7d9e1f2a3b4c5d6e7f";
    private static readonly Guid JobId = Guid.Parse("0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b");
    private static readonly ReconcileTask Question = new(JobId, 2, TaskArn);

    [Test]
    public async Task Should_report_the_stop_whose_event_was_lost()
    {
        Scenario.Server.Answer("DescribeTasks", CannedResponse.Ok($$"""
            {"tasks":[{
              "taskArn":"{{TaskArn}}","lastStatus":"STOPPED","desiredStatus":"STOPPED","startedBy":"{{JobId}}",
              "stopCode":"EssentialContainerExited","stoppedReason":"Essential container in task exited",
              "stoppedAt":1772600800.5,
              "containers":[{"name":"job","lastStatus":"STOPPED","exitCode":3}],
              "tags":[{"key":"eventplatform:attempt","value":"2"}]
            }],"failures":[]}
            """));

        var stopped = await Scenario.Launcher.ReconcileAsync(Question, CancellationToken.None);

        Assert.That(stopped, Is.EqualTo(new TaskStopped(
            JobId, 2, TaskArn, 3, "EssentialContainerExited", "Essential container in task exited", DateTimeOffset.FromUnixTimeMilliseconds(1772600800500))));
    }

    [Test]
    public async Task Should_say_nothing_about_a_task_that_still_runs()
    {
        Scenario.Server.Answer("DescribeTasks", CannedResponse.Ok($$"""
            {"tasks":[{"taskArn":"{{TaskArn}}","lastStatus":"RUNNING","desiredStatus":"RUNNING","startedBy":"{{JobId}}","containers":[{"name":"job"}]}],"failures":[]}
            """));

        Assert.That(await Scenario.Launcher.ReconcileAsync(Question, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Should_report_a_task_ecs_no_longer_knows_as_lost()
    {
        Scenario.Server.Answer("DescribeTasks", CannedResponse.Ok($$"""{"tasks":[],"failures":[{"arn":"{{TaskArn}}","reason":"MISSING"}]}"""));

        var stopped = await Scenario.Launcher.ReconcileAsync(Question, CancellationToken.None);

        Assert.That(stopped, Is.Not.Null);
        Assert.That(stopped!.StopCode, Is.EqualTo("TaskLost"));
        Assert.That(stopped.ExitCode, Is.Null);
        Assert.That((stopped.JobId, stopped.Attempt, stopped.TaskId), Is.EqualTo((JobId, 2, TaskArn)));
    }
}

using EventPlatform.EcsBridge.Ecs;

namespace EventPlatform.EcsBridge.Tests.Ecs;

public class When_a_task_event_lost_its_attempt : EcsScenarioFixture
{
    private const string TaskArn = "arn:aws:ecs:eu-west-1:123456789012:task/eventplatform-jobs/5d2c4f0e8a9b4c7d9e1f2a3b4c5d6e7f";

    [Test]
    public async Task Should_read_the_attempt_tag_once_per_task()
    {
        Scenario.Server.Answer("DescribeTasks", CannedResponse.Ok($$"""
            {"tasks":[{"taskArn":"{{TaskArn}}","lastStatus":"RUNNING","tags":[{"key":"eventplatform:attempt","value":"2"}]}],"failures":[]}
            """));
        var attempts = new EcsTaskAttempts(Scenario.Client);

        var first = await attempts.AttemptOfAsync(TaskArn, CancellationToken.None);
        var second = await attempts.AttemptOfAsync(TaskArn, CancellationToken.None);

        Assert.That((first, second), Is.EqualTo(((int?)2, (int?)2)));
        var described = Scenario.Server.RequestsFor("DescribeTasks").Single();
        Assert.That(described.Json.GetProperty("tasks")[0].GetString(), Is.EqualTo(TaskArn));
        Assert.That(described.Json.GetProperty("include")[0].GetString(), Is.EqualTo("TAGS"));
    }

    [Test]
    public async Task Should_know_no_attempt_of_a_task_ecs_does_not_know_and_ask_again_later()
    {
        var attempts = new EcsTaskAttempts(Scenario.Client);

        Assert.That(await attempts.AttemptOfAsync(TaskArn, CancellationToken.None), Is.Null);
        Assert.That(await attempts.AttemptOfAsync(TaskArn, CancellationToken.None), Is.Null);
        Assert.That(Scenario.Server.RequestsFor("DescribeTasks"), Has.Count.EqualTo(2));
    }
}

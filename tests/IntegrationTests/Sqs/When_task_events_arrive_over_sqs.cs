using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.Tests.TaskEvents;
using EventPlatform.Testing;
using Microsoft.Extensions.Logging;

namespace EventPlatform.IntegrationTests.Sqs;

public class When_task_events_arrive_over_sqs
{
    private const string TaskArn = EcsTaskStateChangeFixture.DefaultTaskArn;

    /// <summary>Long enough for a message that was not deleted to become visible and be received again.</summary>
    private static readonly TimeSpan RedeliveryWindow = TimeSpan.FromSeconds(3 * TaskEventsQueue.VisibilityTimeoutSeconds);

    /// <summary>The example in the Amazon ECS developer guide ("Amazon ECS service action events").</summary>
    private const string ServiceAction = """
        {
          "version": "0",
          "id": "af3c496d-f4a8-65d1-70f4-a69d52e9b584",
          "detail-type": "ECS Service Action",
          "source": "aws.ecs",
          "account": "111122223333",
          "time": "2019-11-19T19:27:22Z",
          "region": "us-west-2",
          "resources": [
            "arn:aws:ecs:us-west-2:111122223333:service/default/servicetest"
          ],
          "detail": {
            "eventType": "INFO",
            "eventName": "SERVICE_STEADY_STATE",
            "clusterArn": "arn:aws:ecs:us-west-2:111122223333:cluster/default",
            "createdAt": "2019-11-19T19:27:22.695Z"
          }
        }
        """;

    /// <summary>Cut off mid-event: no JSON reader can make sense of it.</summary>
    private const string Truncated = """{ "version": "0", "detail-type": "ECS Task State Change", "source": "aws.ecs", "detail": { "taskArn": """;

    [Test]
    public async Task Should_publish_task_started_and_task_stopped_and_delete_both_messages()
    {
        var jobId = Guid.CreateVersion7();
        await using var scenario = await SqsPollerScenario.StartAsync();

        await scenario.Queue.SendAsync(Running(jobId));
        await scenario.PublishedAsync(1);
        await scenario.Queue.SendAsync(ExitedWith3(jobId));
        await scenario.PublishedAsync(2);
        await scenario.DrainedAsync();
        await Task.Delay(RedeliveryWindow);

        Assert.That(scenario.PublishedSoFar(), Is.EqualTo(new object[] { Started(jobId), Stopped(jobId) }));
        Assert.That(await scenario.Queue.DepthAsync(), Is.EqualTo(QueueDepth.Empty));
        Assert.That(await scenario.Queue.DeadLetterDepthAsync(), Is.EqualTo(QueueDepth.Empty));
    }

    [Test]
    public async Task Should_dead_letter_a_malformed_event_and_go_on_with_the_good_ones()
    {
        var jobId = Guid.CreateVersion7();
        await using var scenario = await SqsPollerScenario.StartAsync();

        var malformedId = await scenario.Queue.SendAsync(Truncated);
        await scenario.Queue.SendAsync(Running(jobId));
        await Eventually.MatchAsync(
            scenario.Queue.DeadLetterDepthAsync, d => d.Visible == 1, SqsPollerScenario.Patience, "the malformed event in the dead-letter queue");
        await scenario.Queue.SendAsync(ExitedWith3(jobId));
        await scenario.PublishedAsync(2);
        await scenario.DrainedAsync();

        Assert.That(await scenario.Queue.ReceiveDeadLettersAsync(), Is.EqualTo(new[] { Truncated }));
        Assert.That(scenario.PublishedSoFar(), Is.EqualTo(new object[] { Started(jobId), Stopped(jobId) }));
        // Received MaxReceiveCount times before the redrive, it is counted and reported once.
        Assert.That(scenario.MalformedCounted, Is.EqualTo(1));
        Assert.That(
            scenario.Log.Lines.Where(l => l.Level == LogLevel.Warning).Select(l => l.Message),
            Is.EqualTo(new[] { $"Malformed task event in SQS message {malformedId} left for the dead-letter queue" }));
    }

    [Test]
    public async Task Should_delete_an_ecs_service_action_event_without_publishing()
    {
        await using var scenario = await SqsPollerScenario.StartAsync();

        await scenario.Queue.SendAsync(ServiceAction);
        await scenario.DrainedAsync();
        await Task.Delay(RedeliveryWindow);

        Assert.That(scenario.PublishedSoFar(), Is.Empty);
        Assert.That(await scenario.Queue.DepthAsync(), Is.EqualTo(QueueDepth.Empty));
        Assert.That(await scenario.Queue.DeadLetterDepthAsync(), Is.EqualTo(QueueDepth.Empty));
        Assert.That(scenario.MalformedCounted, Is.Zero);
    }

    [Test]
    public async Task Should_publish_a_version_delivered_twice_once()
    {
        var jobId = Guid.CreateVersion7();
        await using var scenario = await SqsPollerScenario.StartAsync();

        await scenario.Queue.SendAsync(Running(jobId));
        await scenario.Queue.SendAsync(Running(jobId));
        await scenario.PublishedAsync(1);
        await scenario.DrainedAsync();
        await Task.Delay(RedeliveryWindow);

        Assert.That(scenario.PublishedSoFar(), Is.EqualTo(new object[] { Started(jobId) }));
        Assert.That(await scenario.Queue.DepthAsync(), Is.EqualTo(QueueDepth.Empty));
        Assert.That(await scenario.Queue.DeadLetterDepthAsync(), Is.EqualTo(QueueDepth.Empty));
    }

    [Test]
    public async Task Should_take_an_event_the_bus_refused_again_after_the_visibility_timeout()
    {
        var jobId = Guid.CreateVersion7();
        await using var scenario = await SqsPollerScenario.StartAsync(failingPublishes: 1);

        var messageId = await scenario.Queue.SendAsync(Running(jobId));
        await scenario.PublishedAsync(1);
        await scenario.DrainedAsync();

        Assert.That(scenario.Bus.Failures, Is.EqualTo(1));
        Assert.That(scenario.PublishedSoFar(), Is.EqualTo(new object[] { Started(jobId) }));
        Assert.That(await scenario.Queue.DeadLetterDepthAsync(), Is.EqualTo(QueueDepth.Empty));
        Assert.That(
            scenario.Log.Lines.Where(l => l.Level == LogLevel.Error).Select(l => l.Message),
            Is.EqualTo(new[]
            {
                $"Task event in SQS message {messageId} (receive 1) was not published; it and the rest of its batch come back after the visibility timeout",
            }));
    }

    [Test]
    public async Task Should_keep_polling_after_the_queue_could_not_be_read()
    {
        var jobId = Guid.CreateVersion7();
        await using var scenario = await SqsPollerScenario.StartAsync();

        await scenario.Queue.DeleteMainQueueAsync();
        var failure = await Eventually.MatchAsync(
            () => Task.FromResult(scenario.Log.Lines.FirstOrDefault(l => l.Level == LogLevel.Error)),
            line => line is not null,
            SqsPollerScenario.Patience,
            "a failed poll to be logged");
        var recreatedUrl = await scenario.Queue.CreateMainQueueAsync();
        await scenario.Queue.SendAsync(Running(jobId));
        await scenario.PublishedAsync(1);

        Assert.That(recreatedUrl, Is.EqualTo(scenario.Queue.QueueUrl));
        Assert.That(failure!.Message, Is.EqualTo($"Polling {scenario.Queue.QueueUrl} for task events failed; next poll in 1 s"));
        Assert.That(failure.Exception, Is.InstanceOf<Amazon.SQS.Model.QueueDoesNotExistException>());
        Assert.That(scenario.PublishedSoFar(), Is.EqualTo(new object[] { Started(jobId) }));
    }

    private static string Running(Guid jobId) =>
        (EcsTaskStateChangeFixture.Running with { StartedBy = jobId.ToString(), Attempt = "1", Version = 3 }).ToJson();

    private static string ExitedWith3(Guid jobId) =>
        (EcsTaskStateChangeFixture.ExitedWith(3) with { StartedBy = jobId.ToString(), Attempt = "1", Version = 5 }).ToJson();

    private static TaskStarted Started(Guid jobId) => new(jobId, 1, TaskArn, EcsTaskStateChangeFixture.StartedAt);

    private static TaskStopped Stopped(Guid jobId) =>
        new(jobId, 1, TaskArn, 3, "EssentialContainerExited", "Essential container in task exited", EcsTaskStateChangeFixture.StoppedAt);
}

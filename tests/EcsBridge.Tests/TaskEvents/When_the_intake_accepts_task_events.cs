using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.TaskEvents;

namespace EventPlatform.EcsBridge.Tests.TaskEvents;

public class When_the_intake_accepts_task_events
{
    private const string TaskArn = EcsTaskStateChangeFixture.DefaultTaskArn;
    private static readonly Guid JobId = EcsTaskStateChangeFixture.DefaultJobId;

    private static readonly TaskStarted Started = new(JobId, 2, TaskArn, EcsTaskStateChangeFixture.StartedAt);

    [Test]
    public async Task Should_publish_each_newer_version_of_a_task()
    {
        await using var intake = await IntakeHarness.StartAsync();

        var running = await intake.AcceptAsync(EcsTaskStateChangeFixture.Running with { Version = 3 });
        var stopped = await intake.AcceptAsync(EcsTaskStateChangeFixture.ExitedWith(0) with { Version = 5 });

        Assert.That(running, Is.EqualTo(TaskEventOutcome.Translated));
        Assert.That(stopped, Is.EqualTo(TaskEventOutcome.Translated));
        Assert.That(await intake.Harness.Published.Any<TaskStopped>(), Is.True);
        Assert.That(intake.PublishedSoFar(), Is.EqualTo(new object[]
        {
            Started,
            new TaskStopped(JobId, 2, TaskArn, 0, "EssentialContainerExited", "Essential container in task exited", EcsTaskStateChangeFixture.StoppedAt),
        }));
    }

    [Test]
    public async Task Should_publish_in_the_jobs_conversation_when_the_task_carries_its_correlation_id()
    {
        await using var intake = await IntakeHarness.StartAsync();

        await intake.AcceptAsync(EcsTaskStateChangeFixture.Running with { CorrelationId = "0196f0a200007000800000000000c0de" });

        var published = intake.Harness.Published.Select<TaskStarted>().Single();
        Assert.That(published.Context.ConversationId, Is.EqualTo(Guid.Parse("0196f0a2-0000-7000-8000-00000000c0de")));
    }

    [Test]
    public async Task Should_drop_the_same_version_delivered_again()
    {
        await using var intake = await IntakeHarness.StartAsync();

        var first = await intake.AcceptAsync(EcsTaskStateChangeFixture.Running);
        var again = await intake.AcceptAsync(EcsTaskStateChangeFixture.Running);

        Assert.That(first, Is.EqualTo(TaskEventOutcome.Translated));
        Assert.That(again, Is.EqualTo(TaskEventOutcome.Ignored));
        Assert.That(await intake.Harness.Published.Any<TaskStarted>(), Is.True);
        Assert.That(intake.PublishedSoFar(), Is.EqualTo(new object[] { Started }));
    }

    [Test]
    public async Task Should_drop_a_lower_version_that_arrives_after_a_higher_one()
    {
        await using var intake = await IntakeHarness.StartAsync();

        var running = await intake.AcceptAsync(EcsTaskStateChangeFixture.Running with { Version = 4 });
        var late = await intake.AcceptAsync(EcsTaskStateChangeFixture.ExitedWith(1) with { Version = 3 });

        Assert.That(running, Is.EqualTo(TaskEventOutcome.Translated));
        Assert.That(late, Is.EqualTo(TaskEventOutcome.Ignored));
        Assert.That(await intake.Harness.Published.Any<TaskStarted>(), Is.True);
        Assert.That(intake.PublishedSoFar(), Is.EqualTo(new object[] { Started }));
    }

    [Test]
    public async Task Should_track_versions_per_task()
    {
        const string otherTaskArn = "arn:aws:ecs:us-east-1:111122223333:task/eventplatform/0c1d2e3f4a5b4c6d8e9f0a1b2c3d4e5f";
        await using var intake = await IntakeHarness.StartAsync();

        var first = await intake.AcceptAsync(EcsTaskStateChangeFixture.Running);
        var other = await intake.AcceptAsync(EcsTaskStateChangeFixture.Running with { TaskArn = otherTaskArn, Attempt = "3" });

        Assert.That(first, Is.EqualTo(TaskEventOutcome.Translated));
        Assert.That(other, Is.EqualTo(TaskEventOutcome.Translated));
        Assert.That(await intake.Harness.Published.Any<TaskStarted>(m => m.Context.Message.TaskId == otherTaskArn), Is.True);
        Assert.That(intake.PublishedSoFar(), Is.EqualTo(new object[]
        {
            Started,
            new TaskStarted(JobId, 3, otherTaskArn, EcsTaskStateChangeFixture.StartedAt),
        }));
    }

    [Test]
    public async Task Should_publish_nothing_for_a_malformed_event()
    {
        await using var intake = await IntakeHarness.StartAsync();

        var outcome = await intake.AcceptAsync("{ \"detail-type\": \"ECS Task State Change\", ");

        Assert.That(outcome, Is.EqualTo(TaskEventOutcome.Malformed));
        await intake.Harness.InactivityTask;
        Assert.That(intake.PublishedSoFar(), Is.Empty);
    }

    [Test]
    public async Task Should_publish_nothing_for_an_ignored_event_nor_let_it_take_the_version()
    {
        await using var intake = await IntakeHarness.StartAsync();

        var pending = await intake.AcceptAsync(EcsTaskStateChangeFixture.Running with { LastStatus = "PENDING", HasStarted = false, Version = 3 });
        var running = await intake.AcceptAsync(EcsTaskStateChangeFixture.Running with { Version = 3 });

        Assert.That(pending, Is.EqualTo(TaskEventOutcome.Ignored));
        Assert.That(running, Is.EqualTo(TaskEventOutcome.Translated));
        Assert.That(await intake.Harness.Published.Any<TaskStarted>(), Is.True);
        Assert.That(intake.PublishedSoFar(), Is.EqualTo(new object[] { Started }));
    }

    [Test]
    public async Task Should_take_an_event_again_when_its_first_publish_failed()
    {
        await using var intake = await IntakeHarness.StartAsync();
        var stopped = EcsTaskStateChangeFixture.ExitedWith(0) with { Version = 5 };

        Assert.That(
            async () => await intake.Intake.AcceptAsync(stopped.ToJson(), new CancellationToken(canceled: true)),
            Throws.InstanceOf<OperationCanceledException>());
        var redelivered = await intake.AcceptAsync(stopped);

        Assert.That(redelivered, Is.EqualTo(TaskEventOutcome.Translated), "a failed publish must not mark the version as seen");
        Assert.That(await intake.Harness.Published.Any<TaskStopped>(), Is.True);
        Assert.That(intake.PublishedSoFar().OfType<TaskStopped>().Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task Should_find_the_attempt_of_an_event_without_its_override_in_the_tasks_tags()
    {
        var tags = new TaggedAttempts(new Dictionary<string, int> { [TaskArn] = 3 });
        await using var intake = await IntakeHarness.StartAsync(tags);

        var outcome = await intake.AcceptAsync(EcsTaskStateChangeFixture.Running with { Attempt = null });

        Assert.That(outcome, Is.EqualTo(TaskEventOutcome.Translated));
        Assert.That(await intake.Harness.Published.Any<TaskStarted>(), Is.True);
        Assert.That(intake.PublishedSoFar(), Is.EqualTo(new object[] { Started with { Attempt = 3 } }));
        Assert.That(tags.Asked, Is.EqualTo(new[] { TaskArn }));
    }

    [Test]
    public async Task Should_call_an_event_malformed_when_neither_override_nor_tags_name_the_attempt()
    {
        var tags = new TaggedAttempts(new Dictionary<string, int>());
        await using var intake = await IntakeHarness.StartAsync(tags);

        var outcome = await intake.AcceptAsync(EcsTaskStateChangeFixture.Running with { Attempt = null });

        Assert.That(outcome, Is.EqualTo(TaskEventOutcome.Malformed));
        Assert.That(tags.Asked, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Should_not_ask_the_tags_about_progress()
    {
        var tags = new TaggedAttempts(new Dictionary<string, int>());
        await using var intake = await IntakeHarness.StartAsync(tags);

        var outcome = await intake.AcceptAsync(EcsTaskStateChangeFixture.Running with { LastStatus = "PENDING", Attempt = null, HasStarted = false });

        Assert.That(outcome, Is.EqualTo(TaskEventOutcome.Ignored));
        Assert.That(tags.Asked, Is.Empty);
    }

    private sealed class TaggedAttempts(Dictionary<string, int> attempts) : ITaskAttempts
    {
        public List<string> Asked { get; } = [];

        public Task<int?> AttemptOfAsync(string taskArn, CancellationToken cancellationToken)
        {
            Asked.Add(taskArn);
            return Task.FromResult<int?>(attempts.TryGetValue(taskArn, out var attempt) ? attempt : null);
        }
    }
}

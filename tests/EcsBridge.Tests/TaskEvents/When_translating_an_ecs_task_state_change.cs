using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.TaskEvents;

namespace EventPlatform.EcsBridge.Tests.TaskEvents;

public class When_translating_an_ecs_task_state_change
{
    private const string TaskArn = EcsTaskStateChangeFixture.DefaultTaskArn;
    private static readonly Guid JobId = EcsTaskStateChangeFixture.DefaultJobId;

    [Test]
    public void Should_turn_a_running_task_into_task_started_with_the_job_attempt_and_task_arn()
    {
        var translation = TaskEventTranslator.Translate(EcsTaskStateChangeFixture.Running.ToJson());

        Assert.That(translation, Is.EqualTo(new TaskEventTranslation(
            TaskEventOutcome.Translated,
            TaskArn,
            3,
            new TaskStarted(JobId, 2, TaskArn, EcsTaskStateChangeFixture.StartedAt),
            Reason: null)));
    }

    [Test]
    public void Should_read_the_jobs_correlation_id_from_the_task_overrides_for_the_message_to_travel_in_the_jobs_conversation()
    {
        var running = TaskEventTranslator.Translate((EcsTaskStateChangeFixture.Running with { CorrelationId = "0196f0a200007000800000000000c0de" }).ToJson());
        var stopped = TaskEventTranslator.Translate((EcsTaskStateChangeFixture.ExitedWith(0) with { CorrelationId = "0196f0a200007000800000000000c0de" }).ToJson());
        var before = TaskEventTranslator.Translate(EcsTaskStateChangeFixture.Running.ToJson());

        Assert.That(running.CorrelationId, Is.EqualTo(Guid.Parse("0196f0a2-0000-7000-8000-00000000c0de")));
        Assert.That(stopped.CorrelationId, Is.EqualTo(Guid.Parse("0196f0a2-0000-7000-8000-00000000c0de")));
        Assert.That(before.CorrelationId, Is.Null, "a task launched without one");
        Assert.That(before.Outcome, Is.EqualTo(TaskEventOutcome.Translated));
    }

    [TestCase(0)]
    [TestCase(137)]
    public void Should_turn_an_exited_essential_container_into_task_stopped_with_its_exit_code(int exitCode)
    {
        var translation = TaskEventTranslator.Translate(EcsTaskStateChangeFixture.ExitedWith(exitCode).ToJson());

        Assert.That(translation, Is.EqualTo(new TaskEventTranslation(
            TaskEventOutcome.Translated,
            TaskArn,
            5,
            new TaskStopped(
                JobId,
                2,
                TaskArn,
                exitCode,
                "EssentialContainerExited",
                "Essential container in task exited",
                EcsTaskStateChangeFixture.StoppedAt),
            Reason: null)));
    }

    [Test]
    public void Should_carry_the_reason_ecs_gives_for_the_container_such_as_running_out_of_memory()
    {
        var change = EcsTaskStateChangeFixture.ExitedWith(137) with { ContainerReason = "OutOfMemoryError: Container killed due to memory usage" };

        var translation = TaskEventTranslator.Translate(change.ToJson());

        Assert.That(translation.Message, Is.EqualTo(
            new TaskStopped(JobId, 2, TaskArn, 137, "EssentialContainerExited", "Essential container in task exited", EcsTaskStateChangeFixture.StoppedAt)
            {
                ContainerReason = "OutOfMemoryError: Container killed due to memory usage",
            }));
    }

    [Test]
    public void Should_turn_a_task_that_failed_to_start_into_task_stopped_without_exit_code()
    {
        const string reason = "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 111122223333.dkr.ecr.us-east-1.amazonaws.com/eventplatform-agent:1.0.0: not found";
        var change = EcsTaskStateChangeFixture.Stopped("TaskFailedToStart", reason) with { HasStarted = false };

        var translation = TaskEventTranslator.Translate(change.ToJson());

        Assert.That(translation, Is.EqualTo(new TaskEventTranslation(
            TaskEventOutcome.Translated,
            TaskArn,
            5,
            new TaskStopped(JobId, 2, TaskArn, ExitCode: null, "TaskFailedToStart", reason, EcsTaskStateChangeFixture.StoppedAt),
            Reason: null)));
    }

    [TestCase("UserInitiated", "Task stopped by the platform: cancelled by user", 143)]
    [TestCase("SpotInterruption", "Your Spot Task was interrupted.", 143)]
    [TestCase("TerminationNotice", "Task stopped because the underlying infrastructure is being retired", 137)]
    [TestCase("ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/123)", 0)]
    public void Should_carry_the_stop_code_and_reason_of_a_stopped_task_through(string stopCode, string reason, int exitCode)
    {
        var change = EcsTaskStateChangeFixture.Stopped(stopCode, reason) with { ExitCode = exitCode };

        var translation = TaskEventTranslator.Translate(change.ToJson());

        Assert.That(translation.Message, Is.EqualTo(
            new TaskStopped(JobId, 2, TaskArn, exitCode, stopCode, reason, EcsTaskStateChangeFixture.StoppedAt)));
    }

    [TestCase("PROVISIONING", false)]
    [TestCase("PENDING", false)]
    [TestCase("ACTIVATING", false)]
    [TestCase("DEACTIVATING", true)]
    [TestCase("STOPPING", true)]
    [TestCase("DEPROVISIONING", true)]
    public void Should_ignore_a_task_that_is_only_progressing(string lastStatus, bool hasStarted)
    {
        var change = EcsTaskStateChangeFixture.Running with
        {
            LastStatus = lastStatus,
            ContainerLastStatus = hasStarted ? "RUNNING" : "PENDING",
            HasStarted = hasStarted,
        };

        var translation = TaskEventTranslator.Translate(change.ToJson());

        Assert.That(translation, Is.EqualTo(TaskEventTranslation.Progress($"Task {TaskArn} is {lastStatus}: progress only.")));
    }

    [TestCase("ecs-svc/9223370545345641169")]
    [TestCase("events-rule/eventplatform-nightly")]
    [TestCase("")]
    public void Should_ignore_a_task_the_platform_did_not_start(string startedBy)
    {
        var change = EcsTaskStateChangeFixture.Running with { StartedBy = startedBy };

        var translation = TaskEventTranslator.Translate(change.ToJson());

        Assert.That(translation, Is.EqualTo(TaskEventTranslation.Ignored(
            $"Task {TaskArn} was not started by the platform (startedBy '{startedBy}').")));
    }

    [Test]
    public void Should_ignore_an_ecs_service_action()
    {
        const string serviceAction = """
            {
              "version": "0",
              "id": "af3c496d-f4a8-65d1-70f4-a69d52e9b584",
              "detail-type": "ECS Service Action",
              "source": "aws.ecs",
              "account": "111122223333",
              "time": "2025-11-20T10:06:00Z",
              "region": "us-east-1",
              "resources": [
                "arn:aws:ecs:us-east-1:111122223333:service/eventplatform/eventplatform-api"
              ],
              "detail": {
                "eventType": "INFO",
                "eventName": "SERVICE_STEADY_STATE",
                "clusterArn": "arn:aws:ecs:us-east-1:111122223333:cluster/eventplatform",
                "createdAt": "2025-11-20T10:05:59.123Z"
              }
            }
            """;

        var translation = TaskEventTranslator.Translate(serviceAction);

        Assert.That(translation, Is.EqualTo(TaskEventTranslation.Ignored("Not a task state change (aws.ecs: ECS Service Action).")));
    }

    [Test]
    public void Should_ignore_a_task_state_change_that_does_not_come_from_ecs()
    {
        var change = EcsTaskStateChangeFixture.Running.ToJson().Replace("\"source\": \"aws.ecs\"", "\"source\": \"custom.replay\"", StringComparison.Ordinal);

        var translation = TaskEventTranslator.Translate(change);

        Assert.That(translation, Is.EqualTo(TaskEventTranslation.Ignored("Not a task state change (custom.replay: ECS Task State Change).")));
    }

    [TestCase("{ \"detail-type\": \"ECS Task State Change\", \"source\": \"aws.ecs\", ")]
    [TestCase("")]
    [TestCase("not json")]
    [TestCase("[]")]
    [TestCase("{ \"detail-type\": \"ECS Task State Change\", \"source\": \"aws.ecs\", \"detail\": { \"version\": \"3\" } }")]
    public void Should_report_text_that_is_not_an_event_as_malformed(string rawEvent)
    {
        var translation = TaskEventTranslator.Translate(rawEvent);

        Assert.That(translation.Outcome, Is.EqualTo(TaskEventOutcome.Malformed));
        Assert.That(translation.Reason, Does.StartWith("Not a JSON event: "));
        Assert.That(translation.Message, Is.Null);
    }

    [Test]
    public void Should_report_a_json_null_as_malformed()
    {
        Assert.That(TaskEventTranslator.Translate("null"), Is.EqualTo(TaskEventTranslation.Malformed("Empty event.")));
    }

    [Test]
    public void Should_report_a_task_state_change_without_task_arn_as_malformed()
    {
        const string rawEvent = """
            { "version": "0", "detail-type": "ECS Task State Change", "source": "aws.ecs", "detail": { "lastStatus": "RUNNING", "version": 1 } }
            """;

        Assert.That(TaskEventTranslator.Translate(rawEvent), Is.EqualTo(TaskEventTranslation.Malformed("Task state change without detail.taskArn.")));
    }

    [TestCase(null)]
    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("two")]
    [TestCase("")]
    public void Should_report_a_platform_task_without_a_valid_attempt_as_malformed(string? attempt)
    {
        var change = EcsTaskStateChangeFixture.Running with { Attempt = attempt };

        var translation = TaskEventTranslator.Translate(change.ToJson());

        Assert.That(translation, Is.EqualTo(TaskEventTranslation.WithoutAttempt(
            TaskArn, $"Task {TaskArn} of job {JobId} carries no EP_ATTEMPT override.")));
        Assert.That(translation.Outcome, Is.EqualTo(TaskEventOutcome.Malformed));
    }

    [Test]
    public void Should_take_the_attempt_from_the_tasks_tags_when_the_override_is_missing()
    {
        var change = EcsTaskStateChangeFixture.Running with { Attempt = null };

        var translation = TaskEventTranslator.Translate(change.ToJson(), attemptFromTags: 4);

        Assert.That(translation.Outcome, Is.EqualTo(TaskEventOutcome.Translated));
        Assert.That(((TaskStarted)translation.Message!).Attempt, Is.EqualTo(4));
    }

    [TestCase("PROVISIONING")]
    [TestCase("PENDING")]
    public void Should_ignore_progress_before_looking_for_the_attempt_or_even_the_task(string lastStatus)
    {
        static string WithoutTask(EcsTaskStateChangeFixture change) =>
            change.ToJson().Replace($"\"taskArn\": \"{TaskArn}\",", string.Empty, StringComparison.Ordinal);
        var progress = EcsTaskStateChangeFixture.Running with { LastStatus = lastStatus, Attempt = null, HasStarted = false };

        Assert.That(TaskEventTranslator.Translate(progress.ToJson()).Outcome, Is.EqualTo(TaskEventOutcome.Ignored));
        Assert.That(TaskEventTranslator.Translate(WithoutTask(progress)).Outcome, Is.EqualTo(TaskEventOutcome.Ignored));
        Assert.That(
            TaskEventTranslator.Translate(WithoutTask(EcsTaskStateChangeFixture.Running)),
            Is.EqualTo(TaskEventTranslation.Malformed("Task state change without detail.taskArn.")),
            "the same event, RUNNING, is malformed");
    }

    [Test]
    public void Should_take_the_exit_code_of_the_job_container_when_a_sidecar_is_listed_first()
    {
        var withSidecar = EcsTaskStateChangeFixture.ExitedWith(3).ToJson().Replace(
            "\"containers\": [",
            "\"containers\": [ { \"name\": \"log_router\", \"lastStatus\": \"STOPPED\", \"exitCode\": 0 },",
            StringComparison.Ordinal);

        var translation = TaskEventTranslator.Translate(withSidecar);

        Assert.That(translation.Outcome, Is.EqualTo(TaskEventOutcome.Translated));
        Assert.That(((TaskStopped)translation.Message!).ExitCode, Is.EqualTo(3));
    }
}

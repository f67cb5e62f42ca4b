using System.Text.Json;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.TaskEvents;

namespace EventPlatform.LocalTasks.Tests;

public class When_the_local_launcher_reports_a_task
{
    private static readonly Guid JobId = Guid.Parse("0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b");
    private static readonly DateTimeOffset StartedAt = new(2025, 11, 20, 10, 0, 42, 517, TimeSpan.Zero);
    private static readonly DateTimeOffset StoppedAt = new(2025, 11, 20, 10, 5, 13, 904, TimeSpan.Zero);

    private static LocalTask StartedTask() => new(JobId, 3, LocalTaskEvents.NewTaskArn(), "/tmp/eventplatform-tests/unused")
    {
        StartedAt = StartedAt,
    };

    [Test]
    public void Should_translate_its_running_event_into_task_started()
    {
        var task = StartedTask();

        var translation = TaskEventTranslator.Translate(LocalTaskEvents.Running(task, StartedAt));

        Assert.That(translation, Is.EqualTo(new TaskEventTranslation(
            TaskEventOutcome.Translated,
            task.TaskArn,
            1,
            new TaskStarted(JobId, 3, task.TaskArn, StartedAt),
            Reason: null)));
    }

    [TestCase(0, "EssentialContainerExited", "Essential container in task exited")]
    [TestCase(143, "UserInitiated", "Cancelled by user")]
    [TestCase(null, "TaskFailedToStart", "Cannot start the agent: No such file or directory")]
    public void Should_translate_its_stopped_event_into_task_stopped(int? exitCode, string stopCode, string reason)
    {
        var task = StartedTask();

        var translation = TaskEventTranslator.Translate(LocalTaskEvents.Stopped(task, StoppedAt, exitCode, stopCode, reason));

        Assert.That(translation, Is.EqualTo(new TaskEventTranslation(
            TaskEventOutcome.Translated,
            task.TaskArn,
            2,
            new TaskStopped(JobId, 3, task.TaskArn, exitCode, stopCode, reason, StoppedAt),
            Reason: null)));
    }

    [Test]
    public void Should_say_why_the_container_stopped_when_a_limit_of_the_sandbox_stopped_it()
    {
        var task = StartedTask();
        task.ContainerReason = "OutOfMemoryError: Container killed due to memory usage";

        var translation = TaskEventTranslator.Translate(
            LocalTaskEvents.Stopped(task, StoppedAt, 137, "EssentialContainerExited", "Essential container in task exited"));

        Assert.That(translation.Message, Is.EqualTo(
            new TaskStopped(JobId, 3, task.TaskArn, 137, "EssentialContainerExited", "Essential container in task exited", StoppedAt)
            {
                ContainerReason = "OutOfMemoryError: Container killed due to memory usage",
            }));
    }

    [Test]
    public void Should_write_the_fields_ecs_writes()
    {
        var task = StartedTask();

        using var running = JsonDocument.Parse(LocalTaskEvents.Running(task, StartedAt));

        var root = running.RootElement;
        var detail = root.GetProperty("detail");
        var environment = detail.GetProperty("overrides").GetProperty("containerOverrides")[0].GetProperty("environment");
        Assert.That(root.GetProperty("detail-type").GetString(), Is.EqualTo("ECS Task State Change"));
        Assert.That(root.GetProperty("source").GetString(), Is.EqualTo("aws.ecs"));
        Assert.That(detail.GetProperty("taskArn").GetString(), Is.EqualTo(task.TaskArn));
        Assert.That(detail.GetProperty("clusterArn").GetString(), Is.EqualTo(LocalTaskEvents.ClusterArn));
        Assert.That(detail.GetProperty("lastStatus").GetString(), Is.EqualTo("RUNNING"));
        Assert.That(detail.GetProperty("startedBy").GetString(), Is.EqualTo(JobId.ToString()));
        Assert.That(detail.GetProperty("containers")[0].GetProperty("name").GetString(), Is.EqualTo("job"));
        Assert.That(
            environment.EnumerateArray().Select(e => (e.GetProperty("name").GetString(), e.GetProperty("value").GetString())),
            Is.EqualTo(new[] { ("EP_JOB_ID", JobId.ToString()), ("EP_ATTEMPT", "3") }));
    }
}

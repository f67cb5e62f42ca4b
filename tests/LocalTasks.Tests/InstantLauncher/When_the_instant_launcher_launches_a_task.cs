using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.Tests.TaskEvents;
using EventPlatform.LocalTasks.InstantLauncher;
using EventPlatform.Testing;

namespace EventPlatform.LocalTasks.Tests.InstantLauncher;

public class When_the_instant_launcher_launches_a_task
{
    private static readonly Guid JobId = Guid.Parse("0196f0a2-9d1e-7c2f-8b3a-4c5d6e7f8a9b");
    private static readonly DateTimeOffset Now = new(2025, 11, 20, 10, 0, 42, 517, TimeSpan.Zero);

    [Test]
    public async Task Should_report_the_task_started_then_stopped_with_exit_code_0()
    {
        await using var intake = await IntakeHarness.StartAsync();
        using var launcher = new InstantTaskLauncher(intake.Intake, new FixedClock(Now));

        await launcher.LaunchAsync(new LaunchTask(JobId, 2, Spec()), intake.Harness.CancellationToken);

        Assert.That(await intake.Harness.Published.Any<TaskStopped>(), Is.True);
        var published = intake.PublishedSoFar();
        Assert.That(published, Has.Count.EqualTo(2));
        var started = (TaskStarted)published[0];
        Assert.That(started, Is.EqualTo(new TaskStarted(JobId, 2, started.TaskId, Now)));
        Assert.That(published[1], Is.EqualTo(new TaskStopped(
            JobId, 2, started.TaskId, 0, InstantTaskLauncher.StopCode, InstantTaskLauncher.StoppedReason, Now)));
    }

    [Test]
    public async Task Should_hold_a_sleep_task_running_until_its_time_is_up()
    {
        await using var intake = await IntakeHarness.StartAsync();
        using var launcher = new InstantTaskLauncher(intake.Intake, TimeProvider.System);

        await launcher.LaunchAsync(new LaunchTask(JobId, 1, Spec("sleep", "1")), intake.Harness.CancellationToken);
        Assert.That(intake.PublishedSoFar(), Has.Count.EqualTo(1).And.One.TypeOf<TaskStarted>());

        Assert.That(await intake.Harness.Published.Any<TaskStopped>(), Is.True);
        var stopped = intake.PublishedSoFar().OfType<TaskStopped>().Single();
        Assert.That((stopped.ExitCode, stopped.StopCode), Is.EqualTo(((int?)0, InstantTaskLauncher.StopCode)));
    }

    [Test]
    public async Task Should_end_a_held_task_at_once_when_asked_to_stop_it()
    {
        await using var intake = await IntakeHarness.StartAsync();
        using var launcher = new InstantTaskLauncher(intake.Intake, new FixedClock(Now));
        await launcher.LaunchAsync(new LaunchTask(JobId, 1, Spec("sleep", "3600")), intake.Harness.CancellationToken);

        await launcher.StopAsync(new StopTask(JobId, 1, null, "Cancelled by user"), CancellationToken.None);
        await launcher.StopAsync(new StopTask(JobId, 1, null, "Cancelled by user"), CancellationToken.None);

        var published = intake.PublishedSoFar();
        Assert.That(published, Has.Count.EqualTo(2));
        var started = (TaskStarted)published[0];
        Assert.That(published[1], Is.EqualTo(new TaskStopped(JobId, 1, started.TaskId, 143, "UserInitiated", "Cancelled by user", Now)));
    }

    [TestCase(new[] { "sleep", "30" }, 30)]
    [TestCase(new[] { "sleep", "0" }, null)]
    [TestCase(new[] { "sleep", "1.5" }, null)]
    [TestCase(new[] { "sleep", "30", "&&", "true" }, null)]
    [TestCase(new[] { "sh", "-c", "sleep 30" }, null)]
    public void Should_hold_only_a_plain_sleep_of_whole_seconds(string[] command, int? seconds)
    {
        Assert.That(InstantTaskLauncher.HoldFor(command), Is.EqualTo(seconds is null ? (TimeSpan?)null : TimeSpan.FromSeconds(seconds.Value)));
    }

    [Test]
    public async Task Should_never_start_an_attempt_stopped_before_its_launch_and_call_its_task_lost()
    {
        await using var intake = await IntakeHarness.StartAsync();
        using var launcher = new InstantTaskLauncher(intake.Intake, new FixedClock(Now));

        await launcher.StopAsync(new StopTask(JobId, 1, "arn:task", "Cancelled by user"), CancellationToken.None);
        await launcher.LaunchAsync(new LaunchTask(JobId, 1, Spec()), CancellationToken.None);
        var reconciled = await launcher.ReconcileAsync(new ReconcileTask(JobId, 1, "arn:task"), CancellationToken.None);

        Assert.That(reconciled, Is.TypeOf<TaskStopped>().With.Property(nameof(TaskStopped.StopCode)).EqualTo("TaskLost"));
        Assert.That(intake.PublishedSoFar(), Is.Empty);
    }

    [Test]
    public async Task Should_answer_a_question_about_an_ended_attempt_with_its_stop_and_about_a_held_one_with_its_start()
    {
        await using var intake = await IntakeHarness.StartAsync();
        using var launcher = new InstantTaskLauncher(intake.Intake, new FixedClock(Now));
        await launcher.LaunchAsync(new LaunchTask(JobId, 1, Spec()), CancellationToken.None);
        await launcher.LaunchAsync(new LaunchTask(JobId, 2, Spec("sleep", "30")), CancellationToken.None);

        var ended = await launcher.ReconcileAsync(new ReconcileTask(JobId, 1, TaskId: null) { RelaunchIfUnknown = true }, CancellationToken.None);
        var held = await launcher.ReconcileAsync(new ReconcileTask(JobId, 2, TaskId: null), CancellationToken.None);
        var unknown = await launcher.ReconcileAsync(new ReconcileTask(JobId, 3, TaskId: null), CancellationToken.None);

        Assert.That(ended, Is.TypeOf<TaskStopped>().With.Property(nameof(TaskStopped.ExitCode)).EqualTo(0));
        Assert.That(held, Is.TypeOf<TaskStarted>().With.Property(nameof(TaskStarted.StartedAt)).EqualTo(Now));
        Assert.That(unknown, Is.Null, "a routine question about an attempt not seen yet gives it up only if the job will relaunch");
        await launcher.StopAsync(new StopTask(JobId, 2, null, "done"), CancellationToken.None);
    }

    [Test]
    public async Task Should_call_lost_a_task_of_the_attempt_that_is_not_the_one_it_runs()
    {
        // A launch delivered again after an earlier host died runs the attempt here as a new task;
        // the task the job knows died with that host, and must not be taken for the new one.
        await using var intake = await IntakeHarness.StartAsync();
        using var launcher = new InstantTaskLauncher(intake.Intake, new FixedClock(Now));
        await launcher.LaunchAsync(new LaunchTask(JobId, 1, Spec("sleep", "30")), CancellationToken.None);
        var running = (TaskStarted)(await launcher.ReconcileAsync(new ReconcileTask(JobId, 1, TaskId: null), CancellationToken.None))!;

        var aboutItsOwn = await launcher.ReconcileAsync(new ReconcileTask(JobId, 1, running.TaskId), CancellationToken.None);
        var aboutTheDeadOne = await launcher.ReconcileAsync(new ReconcileTask(JobId, 1, "arn:task-of-the-host-that-died"), CancellationToken.None);

        Assert.That(aboutItsOwn, Is.Null, "a running task the asker knows is no news");
        Assert.That(aboutTheDeadOne, Is.TypeOf<TaskStopped>()
            .With.Property(nameof(TaskStopped.StopCode)).EqualTo("TaskLost")
            .And.Property(nameof(TaskStopped.TaskId)).EqualTo("arn:task-of-the-host-that-died"));
        await launcher.StopAsync(new StopTask(JobId, 1, null, "done"), CancellationToken.None);
    }

    private static JobSpec Spec(params string[] command) =>
        new(command.Length == 0 ? ["true"] : command, 60, JobPriority.Normal, new Dictionary<string, string>());
}

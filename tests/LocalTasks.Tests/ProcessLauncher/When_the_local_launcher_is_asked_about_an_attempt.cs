using EventPlatform.Contracts.Artifacts;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.EcsBridge.Tests.TaskEvents;
using EventPlatform.LocalTasks.ProcessLauncher;
using EventPlatform.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EventPlatform.LocalTasks.Tests.ProcessLauncher;

/// <summary>
/// The saga asks what became of an attempt before it launches the job again. The launcher here runs a
/// program that exits at once (dotnet with an assembly that does not exist): its life is short and real,
/// and it never reports its command started, so only its STOPPED event goes out.
/// </summary>
public class When_the_local_launcher_is_asked_about_an_attempt
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);
    private DirectoryInfo root = null!;
    private IntakeHarness intake = null!;
    private LocalTaskLauncher launcher = null!;
    private Guid jobId;

    [SetUp]
    public async Task StartLauncher()
    {
        root = Directory.CreateTempSubdirectory("ep-local-reconcile-");
        intake = await IntakeHarness.StartAsync();
        var settings = new LocalLauncherOptions
        {
            AgentPath = Path.Combine(root.FullName, "no-such-agent.dll"),
            WorkRoot = Path.Combine(root.FullName, "tasks"),
            Sandbox = false,
        };
        launcher = new LocalTaskLauncher(
            intake.Intake,
            Options.Create(settings),
            Options.Create(new ArtifactsOptions { LocalRoot = Path.Combine(root.FullName, "artifacts") }),
            new FixedClock(Now),
            NullLogger<LocalTaskLauncher>.Instance);
        jobId = Guid.CreateVersion7();
    }

    [TearDown]
    public async Task StopLauncher()
    {
        launcher.Dispose();
        await intake.DisposeAsync();
        root.Delete(recursive: true);
    }

    [Test]
    public async Task Should_give_up_an_attempt_it_never_saw_and_refuse_its_late_launch()
    {
        var answer = await launcher.ReconcileAsync(new ReconcileTask(jobId, 1, TaskId: null) { RelaunchIfUnknown = true }, CancellationToken.None);

        await launcher.LaunchAsync(Launch(attempt: 1), CancellationToken.None);

        Assert.That(answer, Is.TypeOf<TaskStopped>());
        var lost = (TaskStopped)answer!;
        Assert.That((lost.JobId, lost.Attempt, lost.StopCode, lost.ExitCode), Is.EqualTo((jobId, 1, "TaskLost", (int?)null)));
        Assert.That(intake.PublishedSoFar(), Is.Empty, "The late launch started nothing");
        Assert.That(Directory.Exists(Path.Combine(root.FullName, "tasks")), Is.False);
    }

    [Test]
    public async Task Should_say_nothing_to_a_routine_question_and_still_launch_the_attempt()
    {
        var answer = await launcher.ReconcileAsync(new ReconcileTask(jobId, 1, TaskId: null), CancellationToken.None);

        await launcher.LaunchAsync(Launch(attempt: 1), CancellationToken.None);

        Assert.That(answer, Is.Null);
        await Eventually.MatchAsync(
            () => Task.FromResult(intake.PublishedSoFar().OfType<TaskStopped>().Count()), stopped => stopped == 1, TimeSpan.FromSeconds(30), "the attempt to run and stop");
    }

    [Test]
    public async Task Should_answer_with_the_stop_of_an_attempt_that_ended_here()
    {
        await launcher.LaunchAsync(Launch(attempt: 2), CancellationToken.None);
        var published = (await Eventually.MatchAsync(
            () => Task.FromResult(intake.PublishedSoFar().OfType<TaskStopped>().ToList()),
            stops => stops.Count == 1,
            TimeSpan.FromSeconds(30),
            "the attempt's STOPPED event")).Single();

        var answer = await launcher.ReconcileAsync(new ReconcileTask(jobId, 2, TaskId: null) { RelaunchIfUnknown = true }, CancellationToken.None);

        Assert.That(answer, Is.EqualTo(published));
        Assert.That(published.ExitCode, Is.Not.Null.And.Not.EqualTo(0), "dotnet refuses an assembly that does not exist");
    }

    [Test]
    public async Task Should_call_a_named_task_it_does_not_know_lost()
    {
        var answer = await launcher.ReconcileAsync(new ReconcileTask(jobId, 3, "arn:aws:ecs:local:000000000000:task/eventplatform-local/gone"), CancellationToken.None);

        Assert.That(answer, Is.TypeOf<TaskStopped>().With.Property(nameof(TaskStopped.StopCode)).EqualTo("TaskLost"));
    }

    private LaunchTask Launch(int attempt) =>
        new(jobId, attempt, new JobSpec(["true"], 60, JobPriority.Normal, new Dictionary<string, string>()));
}

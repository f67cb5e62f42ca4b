using System.Collections.Concurrent;
using System.Diagnostics;
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
/// The Agent's run joins the job's trace as a span of the launcher's, from its process's start to its
/// exit. The process here exits at once (dotnet with an assembly that does not exist).
/// </summary>
[NonParallelizable]
public class When_the_local_launcher_runs_an_attempt_of_a_traced_job
{
    private const string JobTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private readonly ConcurrentQueue<Activity> ended = new();
    private DirectoryInfo root = null!;
    private IntakeHarness intake = null!;
    private LocalTaskLauncher launcher = null!;
    private ActivityListener listener = null!;

    [SetUp]
    public async Task StartLauncher()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AgentRun.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = ended.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        root = Directory.CreateTempSubdirectory("ep-local-traced-");
        intake = await IntakeHarness.StartAsync();
        launcher = new LocalTaskLauncher(
            intake.Intake,
            Options.Create(new LocalLauncherOptions
            {
                AgentPath = Path.Combine(root.FullName, "no-such-agent.dll"),
                WorkRoot = Path.Combine(root.FullName, "tasks"),
                Sandbox = false,
            }),
            Options.Create(new ArtifactsOptions { LocalRoot = Path.Combine(root.FullName, "artifacts") }),
            new FixedClock(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero)),
            NullLogger<LocalTaskLauncher>.Instance);
    }

    [TearDown]
    public async Task StopLauncher()
    {
        launcher.Dispose();
        await intake.DisposeAsync();
        listener.Dispose();
        root.Delete(recursive: true);
    }

    [Test]
    public async Task Should_time_the_agents_run_as_a_child_of_the_launch_in_the_jobs_trace()
    {
        var jobId = Guid.CreateVersion7();

        await launcher.LaunchAsync(
            new LaunchTask(jobId, 1, new JobSpec(["true"], 60, JobPriority.Normal, new Dictionary<string, string>())) { TraceParent = JobTrace },
            CancellationToken.None);
        var stopped = (await Eventually.MatchAsync(
            () => Task.FromResult(intake.PublishedSoFar().OfType<TaskStopped>().ToList()), stops => stops.Count == 1, TimeSpan.FromSeconds(30), "the attempt to stop")).Single();

        var run = ended.Single(a => (string?)a.GetTagItem("eventplatform.job_id") == jobId.ToString());
        Assert.That(run.OperationName, Is.EqualTo("agent run"));
        Assert.That(run.TraceId.ToHexString(), Is.EqualTo("4bf92f3577b34da6a3ce929d0e0e4736"));
        Assert.That(run.ParentSpanId.ToHexString(), Is.EqualTo("00f067aa0ba902b7"));
        Assert.That(run.GetTagItem("eventplatform.exit_code"), Is.EqualTo(stopped.ExitCode));
        Assert.That(run.Status, Is.EqualTo(ActivityStatusCode.Error), "dotnet refuses an assembly that does not exist");
    }
}

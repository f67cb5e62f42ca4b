using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Sagas.Tests.Jobs;

public class When_the_runtime_says_it_killed_the_command_over_its_memory_limit : JobLifecycleSpecification
{
    [SetUp]
    public async Task The_task_stops_with_137_and_an_out_of_memory_reason()
    {
        await GivenARunningJob();
        await When(
            Stopped(exitCode: 137) with { ContainerReason = "OutOfMemoryError: Container killed due to memory usage" },
            theJobIs: x => x.Failed);
    }

    [Test]
    public void Should_end_the_job_as_failed_saying_why()
    {
        var failed = RecordedSingle<JobFailed>();
        Assert.That((failed.Attempt, failed.ExitCode), Is.EqualTo((1, (int?)137)));
        Assert.That(failed.Reason, Is.EqualTo("Command exited with code 137 (OutOfMemoryError: Container killed due to memory usage)."));
    }
}

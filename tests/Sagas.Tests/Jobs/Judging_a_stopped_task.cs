using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Sagas.Jobs;

namespace EventPlatform.Sagas.Tests.Jobs;

public class Judging_a_stopped_task
{
    private static readonly JobSpec Spec = new(["true"], 60, JobPriority.Normal, new Dictionary<string, string>());

    [TestCase("Your Spot Task was interrupted.")]
    [TestCase("Your Spot Task was interrupted")]
    [TestCase("Your Spot Task was interrupted. ")]
    public void Should_end_the_reason_with_one_full_stop(string reason)
    {
        var stopped = new TaskStopped(Guid.CreateVersion7(), 1, "task", ExitCode: null, "SpotInterruption", reason, DateTimeOffset.UnixEpoch);

        var verdict = TaskVerdict.Of(stopped, Spec, new JobLifecycleOptions());

        Assert.That(verdict.Reason, Is.EqualTo("The task stopped before the command ended (SpotInterruption): Your Spot Task was interrupted."));
        Assert.That(verdict.Kind, Is.EqualTo(TaskVerdictKind.Retryable));
    }
}

using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections.JobStatus;

namespace EventPlatform.Projections.Tests.JobStatus;

/// <summary>Events written before the saga kept a task's times in order (or by any writer) still give a status whose times never run backwards.</summary>
public class When_a_stream_carries_times_out_of_order
{
    private static readonly Guid JobId = Guid.CreateVersion7();
    private static readonly DateTimeOffset SubmittedAt = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    [Test]
    public void Should_start_no_earlier_than_submitted_and_finish_no_earlier_than_started()
    {
        object[] stream =
        [
            new JobSubmitted(JobId, "alice", new JobSpec(["true"], 60, JobPriority.Normal, new Dictionary<string, string>()), SubmittedAt),
            new JobQueued(JobId, 1, SubmittedAt),
            new JobLaunchRequested(JobId, 1, SubmittedAt),
            new JobStarted(JobId, 1, "task", SubmittedAt.AddDays(-2)),
            new JobSucceeded(JobId, 1, 0, SubmittedAt.AddDays(-3)),
        ];

        var view = stream.Aggregate((JobStatusView?)null, JobStatusProjection.Replay)!;

        Assert.That((view.State, view.CreatedAt, view.StartedAt, view.FinishedAt), Is.EqualTo((JobPhase.Succeeded, SubmittedAt, (DateTimeOffset?)SubmittedAt, (DateTimeOffset?)SubmittedAt)));
    }

    [Test]
    public void Should_keep_times_that_are_in_order()
    {
        object[] stream =
        [
            new JobSubmitted(JobId, "alice", new JobSpec(["true"], 60, JobPriority.Normal, new Dictionary<string, string>()), SubmittedAt),
            new JobStarted(JobId, 1, "task", SubmittedAt.AddSeconds(4)),
            new JobFailed(JobId, 1, 3, "Command exited with code 3.", SubmittedAt.AddSeconds(9)),
        ];

        var view = stream.Aggregate((JobStatusView?)null, JobStatusProjection.Replay)!;

        Assert.That((view.StartedAt, view.FinishedAt), Is.EqualTo(((DateTimeOffset?)SubmittedAt.AddSeconds(4), (DateTimeOffset?)SubmittedAt.AddSeconds(9))));
    }
}

using EventPlatform.Contracts.Jobs;
using Marten;

namespace EventPlatform.Sagas.DeadLetters;

/// <summary>
/// Ends a job whose submission reached the dead letters: only a job the API staged (its stream exists)
/// was promised to anyone; a submission published past the API is kept as a dead letter and nothing more.
/// </summary>
internal static class SubmissionRejection
{
    public static async Task PublishIfStagedAsync(IDocumentStore store, Func<JobSubmissionRejected, Task> publish, Guid jobId, string reason, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        if (await session.Events.FetchStreamStateAsync(jobId, cancellationToken).ConfigureAwait(false) is not null)
        {
            await publish(new JobSubmissionRejected(jobId, reason)).ConfigureAwait(false);
        }
    }
}

using EventPlatform.Contracts.Jobs;
using EventPlatform.Projections.JobStatus;
using EventPlatform.Sagas.Admission;
using EventPlatform.Sagas.Jobs;
using Marten;
using MassTransit;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Submitting;

/// <summary>A valid job to store and queue for <paramref name="UserId"/>; <paramref name="IdempotencyKey"/> is null when none was sent.</summary>
/// <remarks><paramref name="RerunOf"/>, when set, is the job this one runs again, and <paramref name="RequestedBy"/> who asked.</remarks>
internal sealed record SubmitJob(string UserId, JobSpec Spec, string? IdempotencyKey, Guid? RerunOf = null, string? RequestedBy = null);

internal abstract record SubmitJobOutcome
{
    public sealed record Accepted(Guid JobId) : SubmitJobOutcome;

    public sealed record TooManyWaiting(int Waiting, int Limit) : SubmitJobOutcome;

    /// <summary>The key already named job <paramref name="JobId"/>, submitted with another spec.</summary>
    public sealed record KeyReused(string Key, Guid JobId) : SubmitJobOutcome;
}

internal sealed class SubmitJobHandler(
    IDocumentSession session,
    IPublishEndpoint bus,
    IOptions<JobLifecycleOptions> lifecycle,
    IOptions<AdmissionOptions> admission,
    SubmissionMetrics metrics,
    TimeProvider clock)
{
    public async Task<SubmitJobOutcome> HandleAsync(SubmitJob command, CancellationToken cancellationToken)
    {
        // Counted on the status view, which commits with each submission, so a quick second
        // submission sees the first; racing ones may overshoot the bound by a few.
        var waiting = await session.Query<JobStatusView>()
            .CountAsync(x => x.UserId == command.UserId && x.State == JobPhase.Queued, cancellationToken);
        var limit = admission.Value.MaxQueuedPerUser;
        if (waiting >= limit)
        {
            return new SubmitJobOutcome.TooManyWaiting(waiting, limit);
        }

        var jobId = command.IdempotencyKey is { } key ? IdempotentSubmission.JobIdFor(command.UserId, key) : Guid.CreateVersion7();
        var submitted = new JobSubmitted(jobId, command.UserId, command.Spec, clock.GetUtcNow())
        {
            IdempotencyKey = command.IdempotencyKey,
            RerunOf = command.RerunOf,
            TraceId = System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } request ? request.TraceId.ToHexString() : null,
        };
        var conversationId = Guid.CreateVersion7();
        JobSubmission.Stage(session, submitted, conversationId, lifecycle.Value.SubmissionRecoveryDelay);
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException)
        {
            return await RepeatedAsync(submitted, cancellationToken);
        }

        // Published only after the stream committed, so the saga never sees a job that is not stored.
        await bus.Publish(submitted, context => context.ConversationId = conversationId, cancellationToken);
        metrics.Submitted(command.Spec.Priority);
        if (command.RerunOf is { } original)
        {
            await NameTheRerunAsync(new JobRerunSubmitted(original, jobId, command.RequestedBy ?? command.UserId, submitted.SubmittedAt), cancellationToken);
        }

        return new SubmitJobOutcome.Accepted(jobId);
    }

    /// <summary>
    /// Appends the link to the original's stream once the new job is stored, in a transaction of its
    /// own: the original's saga (or another run again) may append to that stream at the same instant,
    /// and such a clash is tried again rather than undoing the new job. The new job's rerunOf stands
    /// whatever happens here.
    /// </summary>
    private async Task NameTheRerunAsync(JobRerunSubmitted rerun, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var link = session.DocumentStore.LightweightSession();
            link.Events.Append(rerun.JobId, rerun);
            try
            {
                await link.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (attempt < 5 && ex is JasperFx.ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), clock, cancellationToken);
            }
        }
    }

    /// <summary>The key was used before by this user: the same request gets the same job, another one a conflict.</summary>
    private async Task<SubmitJobOutcome> RepeatedAsync(JobSubmitted attempt, CancellationToken cancellationToken)
    {
        await using var query = session.DocumentStore.QuerySession();
        var first = await query.Events.FetchStreamAsync(attempt.JobId, version: 1, token: cancellationToken);
        return first is [{ Data: JobSubmitted original }] && IdempotentSubmission.SameRequest(original.Spec, attempt.Spec)
            ? new SubmitJobOutcome.Accepted(original.JobId)
            : new SubmitJobOutcome.KeyReused(attempt.IdempotencyKey!, attempt.JobId);
    }
}

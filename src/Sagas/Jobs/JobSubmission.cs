using EventPlatform.Contracts.Jobs;
using EventPlatform.Sagas.Scheduling;
using Marten;

namespace EventPlatform.Sagas.Jobs;

/// <summary>
/// How a request about a job enters the platform so that no fault loses it once the caller heard 202:
/// what it changes and a recovery timer that publishes it again, committed in one transaction before
/// the quick publish that usually gets there first.
/// </summary>
public static class JobSubmission
{
    /// <summary>
    /// Starts the job's stream and, in the same session, a timer that publishes the submission
    /// again after <paramref name="recoveryDelay"/>: should the publish that follows the commit be
    /// lost, the job still reaches its saga, which cancels the timer (its token is the job id) as
    /// soon as it takes the job. Commit the session, then publish <paramref name="submitted"/>
    /// with <paramref name="conversationId"/>, which becomes every later event's correlation id.
    /// </summary>
    public static void Stage(IDocumentSession session, JobSubmitted submitted, Guid conversationId, TimeSpan recoveryDelay)
    {
        session.CorrelationId = conversationId.ToString("N");
        session.Events.StartStream(submitted.JobId, submitted);
        session.QueueSchedule(
            new ScheduledDelivery(submitted.JobId, submitted.SubmittedAt + recoveryDelay, submitted), session.CorrelationId, System.Diagnostics.Activity.Current?.Id);
    }

    /// <summary>
    /// A timer that publishes <paramref name="cancel"/> again after <paramref name="recoveryDelay"/>, in
    /// <paramref name="session"/>: should the publish that follows the commit be lost (a crash, an in-memory
    /// bus), the job is still cancelled. The saga takes a repeated cancel as a no-op.
    /// </summary>
    public static void StageCancel(IDocumentSession session, CancelJob cancel, Guid? conversationId, DateTimeOffset now, TimeSpan recoveryDelay) =>
        session.QueueSchedule(new ScheduledDelivery(Guid.CreateVersion7(), now + recoveryDelay, cancel), conversationId?.ToString("N"), System.Diagnostics.Activity.Current?.Id);
}

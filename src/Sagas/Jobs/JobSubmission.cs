using EventPlatform.Contracts.Jobs;
using EventPlatform.Sagas.Scheduling;
using Marten;

namespace EventPlatform.Sagas.Jobs;

/// <summary>How a job enters the platform: its stream and its recovery timer in one transaction.</summary>
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
        session.QueueSchedule(new ScheduledDelivery(submitted.JobId, submitted.SubmittedAt + recoveryDelay, submitted), session.CorrelationId);
    }
}

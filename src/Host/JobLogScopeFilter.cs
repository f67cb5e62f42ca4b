using EventPlatform.Contracts;
using MassTransit;

namespace EventPlatform.Host;

/// <summary>
/// Every line logged while a message is consumed carries the job it is about and the
/// conversation (the job's correlation id, started by POST /jobs).
/// </summary>
internal sealed class JobLogScopeFilter<T>(ILogger<JobLogScopeFilter<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var scope = new Dictionary<string, object?>(2);
        if (context.Message is IJobMessage message)
        {
            scope["JobId"] = message.JobId;
        }

        if (context.ConversationId is { } conversationId)
        {
            scope["CorrelationId"] = conversationId.ToString("N");
        }

        using (logger.BeginScope(scope))
        {
            await next.Send(context).ConfigureAwait(false);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("jobLogScope");
}

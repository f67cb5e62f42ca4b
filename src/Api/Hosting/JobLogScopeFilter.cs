using System.Collections.Concurrent;
using System.Reflection;
using MassTransit;

namespace EventPlatform.Api.Hosting;

/// <summary>
/// Every line logged while a message is consumed carries the job it is about and the
/// conversation (the job's correlation id, started by POST /jobs): every contract names its job
/// in a JobId property, read once per message type.
/// </summary>
internal sealed class JobLogScopeFilter<T>(ILogger<JobLogScopeFilter<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    private static readonly Func<T, Guid?> JobIdOf = JobIdReaders.For<T>();

    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var scope = new Dictionary<string, object?>(2);
        if (JobIdOf(context.Message) is { } jobId)
        {
            scope["JobId"] = jobId;
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

internal static class JobLogScopeFilterRegistration
{
    public static void UseJobLogScope(this IConsumePipeConfigurator configurator, IRegistrationContext context) =>
        configurator.UseConsumeFilter(typeof(JobLogScopeFilter<>), context);
}

internal static class JobIdReaders
{
    private static readonly ConcurrentDictionary<Type, Delegate> Readers = new();

    public static Func<T, Guid?> For<T>() => (Func<T, Guid?>)Readers.GetOrAdd(typeof(T), static type =>
    {
        var property = type.GetProperty("JobId", BindingFlags.Public | BindingFlags.Instance);
        return property?.PropertyType == typeof(Guid)
            ? new Func<T, Guid?>(message => (Guid)property.GetValue(message)!)
            : new Func<T, Guid?>(_ => null);
    });
}

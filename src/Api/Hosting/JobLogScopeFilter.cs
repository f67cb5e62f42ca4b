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
    private static readonly ConcurrentDictionary<Type, Func<object, Guid?>> Readers = new();

    public static Func<T, Guid?> For<T>()
        where T : class
    {
        var read = ReaderFor(typeof(T));
        return message => read(message);
    }

    /// <summary>The job a message is about when its type is known only at run time (a dead letter redriven).</summary>
    public static Guid? Of(object message) => ReaderFor(message.GetType())(message);

    private static Func<object, Guid?> ReaderFor(Type type) => Readers.GetOrAdd(type, static type =>
    {
        var property = type.GetProperty("JobId", BindingFlags.Public | BindingFlags.Instance);
        return property?.PropertyType == typeof(Guid)
            ? message => (Guid)property.GetValue(message)!
            : _ => null;
    });
}

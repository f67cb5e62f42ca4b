using System.Collections.Concurrent;
using EventPlatform.Contracts;
using MassTransit;

namespace EventPlatform.IntegrationTests.Sagas;

public enum MessageFault
{
    Drop,
    Repeat,
    Delay,
}

/// <summary>
/// What happens to the messages about a job on their way to their consumer (each message type here has
/// one: the saga, or the task bridge): the n-th delivery of a type for a job may be dropped, delivered
/// twice, or held back and published again later (after what followed it).
/// </summary>
internal sealed class MessageFaults
{
    private readonly ConcurrentDictionary<(Type Type, Guid JobId, int Occurrence), (MessageFault Fault, TimeSpan Delay)> rules = new();
    private readonly ConcurrentDictionary<(Type Type, Guid JobId), int> seen = new();

    /// <summary>Where a delayed message is published again; set once the bus exists.</summary>
    public IBus? Bus { get; set; }

    public void Add<T>(Guid jobId, MessageFault fault, int occurrence = 1, TimeSpan? delay = null)
        where T : IJobMessage =>
        rules[(typeof(T), jobId, occurrence)] = (fault, delay ?? TimeSpan.FromSeconds(2));

    /// <summary>The fault for this delivery of <paramref name="message"/>, counting it; null to deliver it as it is.</summary>
    public (MessageFault Fault, TimeSpan Delay)? Decide(object message)
    {
        if (message is not IJobMessage about)
        {
            return null;
        }

        var occurrence = seen.AddOrUpdate((message.GetType(), about.JobId), 1, (_, count) => count + 1);
        return rules.TryGetValue((message.GetType(), about.JobId, occurrence), out var rule) ? rule : null;
    }
}

/// <summary>Applies <see cref="MessageFaults"/> before a message reaches its consumer.</summary>
internal sealed class FaultyConsumeFilter<T>(MessageFaults faults) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        switch (faults.Decide(context.Message))
        {
            case null:
                await next.Send(context);
                break;
            case { Fault: MessageFault.Drop }:
                break;
            case { Fault: MessageFault.Repeat }:
                await next.Send(context);
                await next.Send(context);
                break;
            case { Delay: var delay }:
                var message = context.Message;
                _ = Task.Run(async () =>
                {
                    await Task.Delay(delay);
                    await faults.Bus!.Publish(message);
                });
                break;
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("faults");
}

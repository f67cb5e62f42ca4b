using System.Diagnostics.Metrics;
using Amazon.SQS;
using EventPlatform.EcsBridge.Sqs;
using EventPlatform.EcsBridge.TaskEvents;
using EventPlatform.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EventPlatform.IntegrationTests.Sqs;

/// <summary>
/// A running <see cref="SqsTaskEventPoller"/> on a queue of its own in the emulator, feeding a real
/// <see cref="TaskEventIntake"/> that publishes on a MassTransit test harness bus.
/// </summary>
internal sealed class SqsPollerScenario : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly AmazonSQSClient sqs;
    private readonly ServiceProvider provider;
    private readonly SqsTaskEventPoller poller;
    private readonly MeterListener listener;
    private long malformedCounted;

    private SqsPollerScenario(
        AmazonSQSClient sqs,
        ServiceProvider provider,
        TaskEventsQueue queue,
        FlakyBus bus,
        Func<SqsPollerScenario, SqsTaskEventPoller> createPoller)
    {
        this.sqs = sqs;
        this.provider = provider;
        Queue = queue;
        Bus = bus;
        var meterFactory = provider.GetRequiredService<IMeterFactory>();
        listener = new MeterListener
        {
            InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Meter.Scope == meterFactory && instrument.Name == SqsTaskEventPoller.MalformedCounterName)
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref malformedCounted, value));
        listener.Start();
        poller = createPoller(this);
    }

    public TaskEventsQueue Queue { get; }

    public ITestHarness Harness => provider.GetRequiredService<ITestHarness>();

    public FlakyBus Bus { get; }

    public RecordingLogger<SqsTaskEventPoller> Log { get; } = new();

    /// <summary>What the poller added to the eventplatform.task_events.malformed counter.</summary>
    public long MalformedCounted => Interlocked.Read(ref malformedCounted);

    /// <param name="failingPublishes">How many publishes the bus refuses before it works.</param>
    public static async Task<SqsPollerScenario> StartAsync(int failingPublishes = 0)
    {
        var sqs = TestAws.CreateSqsClient();
        var queue = await TaskEventsQueue.CreateAsync(sqs);
        var provider = new ServiceCollection()
            .AddMetrics()
            .AddMassTransitTestHarness()
            .BuildServiceProvider(validateScopes: true);
        await provider.GetRequiredService<ITestHarness>().Start();
        var bus = FlakyBus.Over(provider.GetRequiredService<IBus>(), failingPublishes, out var flaky);

        var scenario = new SqsPollerScenario(sqs, provider, queue, flaky, self => new SqsTaskEventPoller(
            sqs,
            Options.Create(new SqsIntakeOptions
            {
                QueueUrl = queue.QueueUrl,
                VisibilityTimeoutSeconds = TaskEventsQueue.VisibilityTimeoutSeconds,
                ErrorBackoffSeconds = 1,
            }),
            new TaskEventIntake(bus, NullLogger<TaskEventIntake>.Instance),
            provider.GetRequiredService<IMeterFactory>(),
            TimeProvider.System,
            self.Log));
        await scenario.poller.StartAsync(CancellationToken.None);
        return scenario;
    }

    /// <summary>What has been published without fault so far, in order, without waiting for more.</summary>
    public IReadOnlyList<object> PublishedSoFar() =>
        [.. Harness.Published.Select(m => m.Exception is null, new CancellationToken(canceled: true)).Select(m => m.MessageObject)];

    public Task<IReadOnlyList<object>> PublishedAsync(int count) =>
        Eventually.MatchAsync(() => Task.FromResult(PublishedSoFar()), p => p.Count >= count, Patience, $"{count} published message(s)");

    /// <summary>Waits until every message sent has left the queue: deleted, or moved to the dead-letter queue.</summary>
    public Task<QueueDepth> DrainedAsync() =>
        Eventually.MatchAsync(Queue.DepthAsync, d => d == QueueDepth.Empty, Patience, "the queue to be empty");

    public async ValueTask DisposeAsync()
    {
        await poller.StopAsync(CancellationToken.None);
        poller.Dispose();
        listener.Dispose();
        await Queue.DeleteAsync();
        sqs.Dispose();
        await Harness.Stop();
        await provider.DisposeAsync();
    }
}

using System.Threading.Channels;
using EventPlatform.Projections.JobStatus;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Following;

internal sealed class JobFeedOptions
{
    public const string Section = "JobFeed";

    /// <summary>How often the feed asks the store for events past the high-water mark.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a stream stays silent before a comment line keeps proxies from closing it.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Changes waiting for one slow stream; past this it is ended and its client resumes from the store.</summary>
    public int StreamBuffer { get; set; } = 1_000;
}

/// <summary>
/// One reader of the event store per host, fanned out to every open stream: however many streams are
/// open, the store is asked once per poll. It reads only up to the async daemon's high-water mark, the
/// point below which every sequence number is committed or known to be skipped, so an event committed
/// late with a lower sequence is never passed over (docs/adr/0023-a-dashboard-served-by-the-api.md).
/// </summary>
internal sealed partial class JobChangeFeed(IDocumentStore store, IOptions<JobFeedOptions> options, TimeProvider clock, ILogger<JobChangeFeed> logger)
    : BackgroundService
{
    private const int Page = 500;
    private readonly Lock gate = new();
    private readonly List<Subscription> subscriptions = [];
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long position;

    /// <summary>
    /// Every change after the feed's position from now on, as a channel, and that position. The channel
    /// completes when the stream falls too far behind.
    /// </summary>
    public async Task<Subscription> SubscribeAsync(Func<JobChange, bool> wanted, CancellationToken cancellationToken)
    {
        await started.Task.WaitAsync(cancellationToken);
        var channel = Channel.CreateBounded<JobChange>(new BoundedChannelOptions(options.Value.StreamBuffer) { SingleReader = true });
        lock (gate)
        {
            var subscription = new Subscription(this, channel, wanted, position);
            subscriptions.Add(subscription);
            return subscription;
        }
    }

    /// <summary>The store's changes after <paramref name="after"/>, up to the high-water mark, a page at a time.</summary>
    public async Task<IReadOnlyList<JobChange>> ReadAsync(long after, long upTo, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > after && e.Sequence <= upTo)
            .OrderBy(e => e.Sequence)
            .Take(Page)
            .ToListAsync(cancellationToken);
        if (events.Count == 0)
        {
            return [];
        }

        var jobs = (await session.LoadManyAsync<JobStatusView>(cancellationToken, events.Select(e => e.StreamId).Distinct()))
            .ToDictionary(job => job.Id);
        return [.. events.Select(e => JobChange.From(e, jobs.GetValueOrDefault(e.StreamId))).OfType<JobChange>()];
    }

    /// <summary>The last sequence whose events, and every one before it, can be read.</summary>
    public async Task<long> HighWaterMarkAsync(CancellationToken cancellationToken)
    {
        var progress = await store.Advanced.AllProjectionProgress(token: cancellationToken);
        return progress.FirstOrDefault(shard => shard.ShardName == "HighWaterMark")?.Sequence ?? 0;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!started.Task.IsCompleted && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                position = await HighWaterMarkAsync(stoppingToken);
                started.TrySetResult();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CouldNotRead(logger, ex);
                await Task.Delay(options.Value.PollInterval * 4, clock, stoppingToken);
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var highWaterMark = await HighWaterMarkAsync(stoppingToken);
                while (position < highWaterMark)
                {
                    var changes = await ReadAsync(position, highWaterMark, stoppingToken);
                    var next = changes.Count == Page ? changes[^1].Sequence : highWaterMark;
                    Publish(changes, next);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CouldNotRead(logger, ex);
            }

            await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
        }
    }

    private void Publish(IReadOnlyList<JobChange> changes, long next)
    {
        lock (gate)
        {
            foreach (var subscription in subscriptions.ToList())
            {
                foreach (var change in changes)
                {
                    if (subscription.Wanted(change) && !subscription.Channel.Writer.TryWrite(change))
                    {
                        // Too far behind: end this stream; its client resumes from the store with Last-Event-ID.
                        subscription.Channel.Writer.TryComplete();
                        subscriptions.Remove(subscription);
                        break;
                    }
                }
            }

            position = next;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The job feed could not read the event store; it tries again.")]
    private static partial void CouldNotRead(ILogger logger, Exception exception);

    private void Remove(Subscription subscription)
    {
        lock (gate)
        {
            subscriptions.Remove(subscription);
        }
    }

    internal sealed class Subscription(JobChangeFeed feed, Channel<JobChange> channel, Func<JobChange, bool> wanted, long position) : IDisposable
    {
        public Channel<JobChange> Channel { get; } = channel;

        public Func<JobChange, bool> Wanted { get; } = wanted;

        /// <summary>The feed's position when this subscription began: the channel holds every wanted change after it.</summary>
        public long Position { get; } = position;

        public void Dispose() => feed.Remove(this);
    }
}

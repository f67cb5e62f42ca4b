using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventPlatform.Sagas;

/// <summary>
/// The shape of the lifecycle's background work (timer dispatcher, admission controller, reconciler):
/// rounds of work, each in its own transactions, until the host stops. A failed round (a database
/// restart, a bus hiccup) is logged and the next one comes after the usual wait: the loop outlives it.
/// </summary>
internal abstract partial class PollingLoop(ILogger logger) : BackgroundService
{
    /// <summary>What the loop does, for its log lines.</summary>
    protected abstract string Activity { get; }

    /// <summary>How long to wait before the first round.</summary>
    protected virtual TimeSpan StartupDelay => TimeSpan.Zero;

    /// <summary>One round; true when more work is already waiting, so the next round starts without a wait.</summary>
    protected abstract Task<bool> RunRoundAsync(CancellationToken cancellationToken);

    /// <summary>The wait between rounds; ends early when the host stops, without throwing.</summary>
    protected abstract Task WaitAsync(CancellationToken cancellationToken);

    /// <summary>A plain wait that ends early, without throwing, when the host stops.</summary>
    protected static async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        await Task.Delay(delay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await DelayAsync(StartupDelay, stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            var moreWaiting = false;
            try
            {
                moreWaiting = await RunRoundAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must outlive a failed round.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRoundFailed(ex, Activity);
            }

            if (!moreWaiting)
            {
                await WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Activity} failed; trying again")]
    private partial void LogRoundFailed(Exception exception, string activity);
}

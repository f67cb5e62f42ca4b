namespace EventPlatform.Agent.Artifacts;

/// <summary>A few tries with a doubling pause between them: a store that hiccups should not lose a job's output.</summary>
internal sealed class UploadRetry(int attempts, TimeSpan firstDelay, Func<TimeSpan, CancellationToken, Task> delay)
{
    public static UploadRetry Default { get; } = new(4, TimeSpan.FromMilliseconds(500), Task.Delay);

    public int Attempts { get; } = attempts;

    /// <summary>Runs <paramref name="operation"/> until it succeeds; the last failure is thrown.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        var pause = firstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await operation(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception) when (attempt < Attempts && !cancellationToken.IsCancellationRequested)
            {
                await delay(pause, cancellationToken).ConfigureAwait(false);
                pause *= 2;
            }
        }
    }
}

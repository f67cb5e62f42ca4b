namespace EventPlatform.Sagas.Admission;

/// <summary>
/// Wakes this process's admission controller early when a job joined the line or freed a slot,
/// so admission does not wait for the next poll; other processes notice at their next poll.
/// </summary>
public sealed class AdmissionSignal
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Notify()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up serves every change made before it.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await signal.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}

namespace EventPlatform.Sagas.Scheduling;

/// <summary>
/// Timers a saga transition set or cancelled; the saga repository writes them in the same
/// transaction as the saga, so a committed state never lacks the timer that moves it on.
/// </summary>
public sealed class ScheduleChanges
{
    private readonly List<ScheduledDelivery> added = [];
    private readonly List<Guid> cancelled = [];

    public IReadOnlyList<ScheduledDelivery> Added => added;

    public IReadOnlyList<Guid> Cancelled => cancelled;

    public bool IsEmpty => added.Count == 0 && cancelled.Count == 0;

    public Guid Schedule(object message, DateTimeOffset dueAt, Guid? tokenId = null)
    {
        var token = tokenId ?? Guid.CreateVersion7();
        added.Add(new ScheduledDelivery(token, dueAt, message));
        return token;
    }

    public void Cancel(Guid? tokenId)
    {
        if (tokenId is { } token)
        {
            added.RemoveAll(m => m.TokenId == token);
            cancelled.Add(token);
        }
    }

    public void Clear()
    {
        added.Clear();
        cancelled.Clear();
    }
}

namespace EventPlatform.Sagas.Scheduling;

/// <summary>A message to publish at <paramref name="DueAt"/>, unless its token is cancelled first.</summary>
public sealed record ScheduledDelivery(Guid TokenId, DateTimeOffset DueAt, object Message);

namespace EventPlatform.Projections.EventStore;

public sealed class EventStoreOptions
{
    public const string Section = "EventStore";

    public string SchemaName { get; set; } = "eventplatform";

    /// <summary>
    /// Run the async projection daemon in this process. HotCold mode: any number of processes may
    /// run it; each projection runs in the one that holds its lock (see docs/adr/0003-async-daemon-solo.md).
    /// </summary>
    public bool RunAsyncDaemon { get; set; } = true;

    public SchemaCreation SchemaCreation { get; set; } = SchemaCreation.Apply;
}

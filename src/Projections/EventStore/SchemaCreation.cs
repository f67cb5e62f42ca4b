namespace EventPlatform.Projections.EventStore;

/// <summary><c>EventStore:SchemaCreation</c>: who brings the database's schema up to this version.</summary>
public enum SchemaCreation
{
    /// <summary>Every host applies what is missing at start (the embedded default and the tests).</summary>
    Apply,

    /// <summary>
    /// Hosts change no schema and refuse to start when the database is behind; a one-shot migration
    /// applies it before services update (docs/adr/0020-a-migration-step.md).
    /// </summary>
    Verify,
}

using JasperFx;
using Marten;
using Weasel.Core;

namespace EventPlatform.Projections.EventStore;

/// <summary>
/// The database's schema against what a store is configured with: the event store, the views and
/// every table a module added (docs/adr/0020-a-migration-step.md).
/// </summary>
public static class EventStoreSchema
{
    /// <summary>The qualified names of the schema objects the database lacks or has in another shape.</summary>
    public static async Task<IReadOnlyList<string>> FindChangesAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        var migration = await store.Storage.Database.CreateMigrationAsync(cancellationToken);
        return [.. migration.Deltas
            .Where(delta => delta.Difference != SchemaPatchDifference.None)
            .Select(delta => delta.SchemaObject.Identifier.QualifiedName)];
    }

    /// <summary>
    /// Creates or updates every schema object of the store. A store configured to create nothing
    /// (<see cref="SchemaCreation.Verify"/>) is overridden: this is the step that does it for them.
    /// </summary>
    public static Task ApplyAsync(IDocumentStore store, CancellationToken cancellationToken) =>
        store.Storage.Database.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate, ct: cancellationToken);
}

using EventPlatform.Projections.EventStore;
using Marten;

namespace EventPlatform.Host;

/// <summary>
/// The database's schema as a step of its own (docs/adr/0020-a-migration-step.md): <c>migrate</c>
/// applies what every module needs and exits; a host under <c>EventStore:SchemaCreation=Verify</c>
/// changes nothing and refuses to start on a database that is behind.
/// </summary>
internal static partial class SchemaMigration
{
    public const string SettingKey = $"{EventStoreOptions.Section}:{nameof(EventStoreOptions.SchemaCreation)}";

    private const int ListedObjects = 5;

    /// <exception cref="HostConfigurationException">A value that is neither Apply nor Verify.</exception>
    public static SchemaCreation SchemaCreationFrom(IConfiguration configuration) =>
        (configuration[SettingKey] ?? nameof(SchemaCreation.Apply)).ToUpperInvariant() switch
        {
            "APPLY" => SchemaCreation.Apply,
            "VERIFY" => SchemaCreation.Verify,
            _ => throw new HostConfigurationException($"{SettingKey} '{configuration[SettingKey]}' is not Apply or Verify."),
        };

    /// <summary>Applies the schema of every module to the database; 0 when done, else one line on stderr and 1.</summary>
    /// <exception cref="HostConfigurationException">A setting the store cannot be composed with.</exception>
    public static async Task<int> MigrateAsync(this WebApplicationBuilder builder)
    {
        builder.AddPlatformDefaults(PlatformModules.None);
        builder.Services.AddPlatformStore(builder.Configuration, PlatformModules.All);
        await using var app = builder.Build();
        var store = app.Services.GetRequiredService<IDocumentStore>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SchemaMigration).FullName!);
        try
        {
            var changes = await EventStoreSchema.FindChangesAsync(store, CancellationToken.None);
            await EventStoreSchema.ApplyAsync(store, CancellationToken.None);
            LogMigrated(logger, store.Options.DatabaseSchemaName, changes.Count, changes);
            return 0;
        }
#pragma warning disable CA1031 // A one-shot task reports any failure as its one line and exit code.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"eventplatform: the migration failed: {ex.GetType().Name}: {OneLine(ex.Message)}");
            return 1;
        }
    }

    /// <summary>Under Verify, the database must already have this version's schema.</summary>
    /// <exception cref="HostConfigurationException">The database is behind.</exception>
    public static async Task VerifySchemaAsync(this WebApplication app)
    {
        if (SchemaCreationFrom(app.Configuration) != SchemaCreation.Verify)
        {
            return;
        }

        var changes = await EventStoreSchema.FindChangesAsync(app.Services.GetRequiredService<IDocumentStore>(), CancellationToken.None);
        if (changes.Count > 0)
        {
            var listed = string.Join(", ", changes.Take(ListedObjects)) + (changes.Count > ListedObjects ? ", ..." : string.Empty);
            throw new HostConfigurationException(
                $"the database is behind this version ({changes.Count} schema objects missing or different: {listed}) and {SettingKey} "
                + $"is Verify; run the migration first (dotnet EventPlatform.Host.dll {HostModes.MigrateArgument}).");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Migrated schema {Schema}: {Count} objects created or changed {Objects}")]
    private static partial void LogMigrated(ILogger logger, string schema, int count, IReadOnlyList<string> objects);

    private static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

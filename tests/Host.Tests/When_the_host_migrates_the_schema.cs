using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EventPlatform.Host.Tests;

public class When_the_host_migrates_the_schema
{
    private const string Database = "Host=127.0.0.1;Port=1;Username=nobody";

    [TestCase(new[] { "migrate" }, null, "Migrate")]
    [TestCase(new[] { "migrate", "--urls", "http://127.0.0.1:1" }, "Serve", "Migrate")]
    [TestCase(new string[0], null, "Serve")]
    [TestCase(new string[0], "migrate", "Migrate")]
    [TestCase(new string[0], "Serve", "Serve")]
    [TestCase(new[] { "--urls", "migrate" }, null, "Serve")]
    public void Should_migrate_when_the_first_argument_or_host_mode_says_so(string[] args, string? setting, string mode)
    {
        Assert.That(HostModes.From(Settings(new() { ["Host:Mode"] = setting }), args).ToString(), Is.EqualTo(mode));
    }

    [Test]
    public void Should_refuse_a_mode_it_does_not_know()
    {
        Assert.That(
            () => HostModes.From(Settings(new() { ["Host:Mode"] = "Upgrade" }), []),
            Throws.TypeOf<HostConfigurationException>().With.Message.EqualTo("Host:Mode 'Upgrade' is not Serve or Migrate."));
    }

    [Test]
    public void Should_refuse_a_schema_creation_it_does_not_know()
    {
        Assert.That(
            () => ComposedHost.Build(new Dictionary<string, string?> { ["EventStore:SchemaCreation"] = "Sometimes" }),
            Throws.TypeOf<HostConfigurationException>().With.Message.EqualTo("EventStore:SchemaCreation 'Sometimes' is not Apply or Verify."));
    }

    [Test]
    public async Task Should_migrate_every_schema_object_the_whole_platform_has_as_the_all_in_one_host_defines_it()
    {
        var migration = SchemaOf(MigrationStore());

        await using var allInOne = ComposedHost.Build(modules: null);
        Assert.That(migration, Is.EquivalentTo(SchemaOf(allInOne.Services.GetRequiredService<IDocumentStore>())));
        Assert.That(migration.Keys, Does.Contain("eventplatform.mt_doc_jobstate").And.Contain("eventplatform.ep_admission_queue").And.Contain("eventplatform.mt_events"));
    }

    [TestCase("Api")]
    [TestCase("Sagas")]
    [TestCase("EcsBridge")]
    [TestCase("Projections")]
    public async Task Should_migrate_every_schema_object_a_module_host_verifies(string modules)
    {
        var migration = SchemaOf(MigrationStore());

        await using var host = ComposedHost.Build(modules);
        Assert.That(SchemaOf(host.Services.GetRequiredService<IDocumentStore>()), Is.SubsetOf(migration));
    }

    private static IConfiguration Settings(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static IDocumentStore MigrationStore()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["ConnectionStrings:Postgres"] = Database;
        builder.Services.AddPlatformStore(builder.Configuration, PlatformModules.All);
        return builder.Build().Services.GetRequiredService<IDocumentStore>();
    }

    /// <summary>Each schema object by name, with the DDL that creates it.</summary>
    private static Dictionary<string, string> SchemaOf(IDocumentStore store)
    {
        var database = store.Storage.Database;
        return database.AllObjects().ToDictionary(o => o.Identifier.QualifiedName, o =>
        {
            using var ddl = new StringWriter();
            o.WriteCreateStatement(database.Migrator, ddl);
            return ddl.ToString();
        });
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Testing;
using Npgsql;

namespace EventPlatform.EndToEndTests;

/// <summary>
/// Services that may not change the schema (EventStore:SchemaCreation=Verify) refuse a database that is
/// behind; the host's one-shot migrate mode brings it up to date, and then they run.
/// </summary>
public sealed class When_the_schema_is_migrated_before_the_services_start
{
    private string database = null!;

    [SetUp]
    public async Task CreateDatabase() => database = await TestPostgres.CreateDatabaseAsync("migrate");

    [TearDown]
    public Task DropDatabase() => TestPostgres.DropDatabaseAsync(database);

    [Test]
    public async Task Should_refuse_an_empty_database_then_migrate_it_and_run_a_job_on_it()
    {
        var verifying = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["EventStore__SchemaCreation"] = "Verify",
        };

        var (refused, refusal) = await HostProcess.RunToExitAsync(verifying);
        Assert.That(refused, Is.EqualTo(2));
        Assert.That(refusal.TrimEnd(), Does.Match(@"^eventplatform: the database is behind this version \(\d+ schema objects missing or different: [^\n]+\) and EventStore:SchemaCreation is Verify; run the migration first \(dotnet EventPlatform.Host.dll migrate\)\.$"));
        Assert.That(await TablesAsync(database), Is.Empty, "a host that refuses to start changes nothing");

        var (migrated, migrationError) = await HostProcess.RunToExitAsync(verifying, "migrate");
        Assert.That(migrated, Is.Zero, migrationError);
        Assert.That(migrationError, Is.Empty);
        Assert.That(await TablesAsync(database), Is.SupersetOf(new[]
        {
            "mt_events", "mt_streams", "mt_event_progression", "mt_doc_jobstatusview", "mt_doc_jobtimelineview", "mt_doc_jobstate",
            "ep_scheduled_messages", "ep_admission_queue", "ep_admission_slots", "ep_dead_letters",
        }));

        await using var platform = await RunningPlatform.StartAsync(new Dictionary<string, string> { ["EventStore__SchemaCreation"] = "Verify" }, database);
        using var submitted = await platform.Http.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), new { command = new[] { "true" } });
        submitted.EnsureSuccessStatusCode();
        var jobId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        var job = await Eventually.MatchAsync(
            () => platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}", UriKind.Relative)),
            j => j.GetProperty("state").GetString() is "Succeeded" or "Failed" or "TimedOut" or "Cancelled",
            TimeSpan.FromSeconds(60),
            $"job {jobId} to end on the migrated database");
        Assert.That(job.GetProperty("state").GetString(), Is.EqualTo("Succeeded"));
    }

    [Test]
    public async Task Should_report_a_migration_that_cannot_reach_the_database_in_one_line_and_exit_code_1()
    {
        var (exitCode, error) = await HostProcess.RunToExitAsync(
            new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1;Username=nobody;Timeout=5" },
            "migrate");

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(error.TrimEnd(), Does.StartWith("eventplatform: the migration failed: ").And.Not.Contain("\n"));
    }

    private static async Task<List<string>> TablesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("select table_name from information_schema.tables where table_schema = 'eventplatform'", connection);
        await using var reader = await select.ExecuteReaderAsync();
        List<string> tables = [];
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}

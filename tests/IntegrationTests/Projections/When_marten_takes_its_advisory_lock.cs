using System.Reflection;
using EventPlatform.Testing;
using Medallion.Threading.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Weasel.Postgresql;

namespace EventPlatform.IntegrationTests.Projections;

/// <summary>
/// Marten's HotCold daemon elects its leader through Weasel's <see cref="AdvisoryLock"/>, which
/// hands Marten's data source to Patched.DistributedLock.Postgres. The upstream DistributedLock.Postgres
/// (what the old stand-in package brought, and what a stale NuGet cache still brings) refuses that
/// data source ("Multiplexing is current incompatible with DbDataSource"); the patched one takes the
/// lock. See docs/adr/0002-marten-lock-stand-in.md.
/// </summary>
[TestFixture]
public sealed class When_marten_takes_its_advisory_lock
{
    private const int LockId = 424_242;

    [Test]
    public void Should_load_the_patched_lock_assembly()
    {
        var version = typeof(PostgresDistributedLock).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

        Assert.That(version, Does.StartWith("1.3.3+"), "upstream DistributedLock.Postgres is 1.3.1");
    }

    [Test]
    public async Task Should_hold_a_PostgreSQL_advisory_lock_through_a_data_source_that_excludes_a_second_holder()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("lock");
        try
        {
            await using var firstSource = NpgsqlDataSource.Create(connectionString);
            await using var secondSource = NpgsqlDataSource.Create(connectionString);
            var first = new AdvisoryLock(firstSource, NullLogger.Instance, "first", new AdvisoryLockOptions());
            await using var second = new AdvisoryLock(secondSource, NullLogger.Instance, "second", new AdvisoryLockOptions());

            Assert.That(await first.TryAttainLockAsync(LockId, CancellationToken.None), Is.True);
            Assert.That(await AdvisoryLocksHeldAsync(connectionString), Is.EqualTo(1));
            Assert.That(await second.TryAttainLockAsync(LockId, CancellationToken.None), Is.False, "a second holder must be refused while the first holds the lock");

            await first.DisposeAsync();
            Assert.That(await second.TryAttainLockAsync(LockId, CancellationToken.None), Is.True, "the lock is free again once released");
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    private static async Task<long> AdvisoryLocksHeldAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // pg_locks is cluster-wide and other tests take advisory locks too: count this key, in this database.
        await using var count = new NpgsqlCommand(
            "select count(*) from pg_locks where locktype = 'advisory' and granted and objsubid = 1 " +
            "and classid = 0 and objid = @key and database = (select oid from pg_database where datname = current_database())",
            connection);
        count.Parameters.AddWithValue("key", (long)LockId);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}

using EventPlatform.Testing;
using Medallion.Threading.Postgres;
using Npgsql;

namespace EventPlatform.IntegrationTests.Projections;

/// <summary>
/// Weasel (under Marten) binds to the assembly DistributedLock.Postgres for its advisory locks; the
/// registry lacks the package it names, and our stand-in brings the upstream one instead
/// (docs/adr/0002-marten-lock-stand-in.md). This proves that assembly resolves at run time and
/// really excludes a second holder on PostgreSQL.
/// </summary>
[TestFixture]
public sealed class When_the_stand_in_lock_package_is_used
{
    private const long LockKey = 424_242;

    [Test]
    public async Task Should_hold_a_PostgreSQL_advisory_lock_that_excludes_a_second_holder()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("lock");
        try
        {
            Assert.That(typeof(PostgresDistributedLock).Assembly.GetName().Name, Is.EqualTo("DistributedLock.Postgres"));

            var first = new PostgresDistributedLock(new PostgresAdvisoryLockKey(LockKey), connectionString);
            var second = new PostgresDistributedLock(new PostgresAdvisoryLockKey(LockKey), connectionString);
            await using (var held = await first.TryAcquireAsync())
            {
                Assert.That(held, Is.Not.Null);
                Assert.That(await AdvisoryLocksHeldAsync(connectionString), Is.EqualTo(1));
                await using var denied = await second.TryAcquireAsync();
                Assert.That(denied, Is.Null, "a second holder must be refused while the first holds the lock");
            }

            await using var afterRelease = await second.TryAcquireAsync();
            Assert.That(afterRelease, Is.Not.Null, "the lock is free again once released");
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
        count.Parameters.AddWithValue("key", (long)LockKey);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace EventPlatform.Bench;

/// <summary>The commit ceiling: pgbench on the same cluster, one single-row insert per transaction.</summary>
internal static partial class PgBench
{
    public const string Database = "pgbench_bench";

    // synchronousCommit off: commits return before their WAL is flushed, which shows how much the flush (fsync) bounds the rate.
    public static async Task<PgBenchRun> RunAsync(Settings settings, int clients, int seconds, bool synchronousCommit = true)
    {
        await using (var connection = new NpgsqlConnection(settings.ConnectionString("postgres")))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var exists = new NpgsqlCommand($"select count(*) from pg_database where datname = '{Database}'", connection);
            if ((long)(await exists.ExecuteScalarAsync().ConfigureAwait(false))! == 0)
            {
                await using var create = new NpgsqlCommand($"create database {Database}", connection);
                await create.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }

        await using (var connection = new NpgsqlConnection(settings.ConnectionString(Database)))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var table = new NpgsqlCommand(
                "create table if not exists bench_rows (id bigserial primary key, job uuid not null, at timestamptz not null default now())",
                connection);
            await table.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        var script = Path.Combine(Path.GetTempPath(), $"ep-pgbench-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(script, "insert into bench_rows (job) values (gen_random_uuid());\n").ConfigureAwait(false);
        try
        {
            var start = new ProcessStartInfo(settings.PgBench)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (!synchronousCommit)
            {
                start.Environment["PGOPTIONS"] = "-c synchronous_commit=off";
            }

            foreach (var argument in new[]
                     {
                         "-n", "-f", script, "-c", clients.ToString(CultureInfo.InvariantCulture),
                         "-j", Math.Min(clients, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture),
                         "-T", seconds.ToString(CultureInfo.InvariantCulture),
                         "-h", "127.0.0.1", "-p", settings.PgPort.ToString(CultureInfo.InvariantCulture), "-U", "postgres", Database,
                     })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            var errors = await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
            await process.WaitForExitAsync().ConfigureAwait(false);
            var tps = Tps().Match(output);
            var latency = Latency().Match(output);
            if (process.ExitCode != 0 || !tps.Success)
            {
                throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {output}{errors}");
            }

            return new PgBenchRun(
                clients,
                seconds,
                synchronousCommit,
                double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
                latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex Latency();
}

internal sealed record PgBenchRun(int Clients, int Seconds, bool SynchronousCommit, double CommitsPerSecond, double LatencyAverageMs);

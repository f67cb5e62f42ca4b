using System.Diagnostics;
using Npgsql;

namespace EventPlatform.EndToEndTests;

/// <summary>
/// A PostgreSQL cluster of one test's own, on a free loopback port, for a test that restarts the
/// server: the cluster ./test.sh starts is shared by every test assembly. As root (this machine
/// kind's CI), the server runs as the postgres user, as ./scripts/lib.sh starts it. Stopped by its
/// data folder, never by name.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string folder;
    private readonly string bin;

    private PrivatePostgres(string folder, string bin, int port)
    {
        this.folder = folder;
        this.bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database }.ConnectionString;

    public static async Task<PrivatePostgres> StartAsync(string database)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
            .FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL's binaries are not under /usr/lib/postgresql (./test.sh installs them).");
        var folder = Directory.CreateTempSubdirectory("ep-private-pg-").FullName;
        var cluster = new PrivatePostgres(folder, bin, HostProcess.FreePort());
        await cluster.RunAsync("chown", "postgres:postgres", folder);
        await cluster.AsPostgresAsync(Path.Combine(bin, "initdb"), "-D", cluster.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        await cluster.StartServerAsync();
        await cluster.AsPostgresAsync(Path.Combine(bin, "createdb"), "-h", "127.0.0.1", "-p", cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", database);
        return cluster;
    }

    /// <summary>Stops the server as a crash would (immediate: no checkpoint, every connection cut) and starts it again.</summary>
    public async Task RestartAsync()
    {
        await AsPostgresAsync(Path.Combine(bin, "pg_ctl"), "-D", Data, "-m", "immediate", "-w", "stop");
        await StartServerAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await AsPostgresAsync(Path.Combine(bin, "pg_ctl"), "-D", Data, "-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private string Data => Path.Combine(folder, "data");

    private Task StartServerAsync() => AsPostgresAsync(
        Path.Combine(bin, "pg_ctl"), "-D", Data, "-l", Path.Combine(folder, "postgres.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off", "start");

    private Task AsPostgresAsync(string program, params string[] arguments) =>
        Environment.UserName == "root" ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private async Task RunAsync(string program, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        Assert.That(process.ExitCode, Is.Zero, $"{program} {string.Join(' ', arguments)}: {await output}{await error}");
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EventPlatform.Testing;

namespace EventPlatform.EndToEndTests;

/// <summary>
/// The all-in-one host as a real process on a free loopback port with a database of its own;
/// stopped by its pid, never by name.
/// </summary>
internal sealed class RunningPlatform : IAsyncDisposable
{
    /// <summary>Timers short enough for tests, long enough for a busy two-core machine.</summary>
    public const string AliceKey = "alice-key";
    public const string BobKey = "bob-key";
    public const string AdminKey = "admin-key";

    private static readonly Dictionary<string, string> TestSettings = new()
    {
        ["Auth__ApiKeys__0__Key"] = AliceKey,
        ["Auth__ApiKeys__0__User"] = "alice",
        ["Auth__ApiKeys__1__Key"] = BobKey,
        ["Auth__ApiKeys__1__User"] = "bob",
        ["Auth__ApiKeys__2__Key"] = AdminKey,
        ["Auth__ApiKeys__2__User"] = "root",
        ["Auth__ApiKeys__2__Admin"] = "true",
        ["LocalLauncher__StopGrace"] = "00:00:02",
        ["JobLifecycle__RunDeadlineGrace"] = "00:00:01",
        ["JobLifecycle__RetryBackoffBase"] = "00:00:00.200",
        ["JobLifecycle__RetryBackoffMax"] = "00:00:01",
        ["JobLifecycle__StopTimeout"] = "00:00:10",
        ["Scheduler__PollInterval"] = "00:00:00.100",
        ["Admission__MaxRunning"] = "64",
        ["Admission__MaxRunningPerUser"] = "64",
        ["Admission__PollInterval"] = "00:00:00.050",
        ["RateLimits__Submissions__Burst"] = "1000",
        ["RateLimits__Submissions__PerSecond"] = "1000",
    };

    private readonly StringBuilder output = new();
    private readonly string connectionString;
    private readonly string workRoot;
    private readonly Dictionary<string, string> settings;
    private Process process = null!;

    private RunningPlatform(string connectionString, string workRoot, int port, Dictionary<string, string> settings)
    {
        this.connectionString = connectionString;
        this.workRoot = workRoot;
        this.settings = settings;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http = ClientFor(AliceKey);
    }

    public Uri BaseAddress { get; }

    /// <summary>The platform's own database, for tests that change it behind the platform's back.</summary>
    public string ConnectionString => connectionString;

    /// <summary>The local artifact store and live logs, inside the platform's own folder.</summary>
    public string ArtifactsRoot => Path.Combine(workRoot, ".artifacts");

    /// <summary>Calls as alice.</summary>
    public HttpClient Http { get; }

    /// <summary>A client calling with <paramref name="apiKey"/>, or with no key at all.</summary>
    public HttpClient ClientFor(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <param name="overrides">Configuration for the host, as environment variables (JobLifecycle__StartTimeout ...).</param>
    public static async Task<RunningPlatform> StartAsync(IReadOnlyDictionary<string, string>? overrides = null)
    {
        var settings = new Dictionary<string, string>(TestSettings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var platform = new RunningPlatform(
            await TestPostgres.CreateDatabaseAsync("e2e"),
            Directory.CreateTempSubdirectory("ep-e2e-tasks-").FullName,
            FreePort(),
            settings);
        await platform.StartHostAsync();
        return platform;
    }

    /// <summary>SIGKILL to the host alone, as a crash would: no shutdown, nothing flushed.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>A new host process on the same database and port.</summary>
    public Task RestartAsync() => StartHostAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        await TestPostgres.DropDatabaseAsync(connectionString);
        Directory.Delete(workRoot, recursive: true);
    }

    private async Task StartHostAsync()
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(BuiltPrograms.Host)!,
        };
        startInfo.ArgumentList.Add(BuiltPrograms.Host);
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        startInfo.Environment["ConnectionStrings__Postgres"] = connectionString;
        startInfo.Environment["LocalLauncher__WorkRoot"] = workRoot;
        startInfo.Environment["Artifacts__LocalRoot"] = ArtifactsRoot;
        foreach (var (key, value) in settings)
        {
            startInfo.Environment[key] = value;
        }

        process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilHealthyAsync();
    }

    private async Task WaitUntilHealthyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                Assert.Fail($"The host exited with code {process.ExitCode} during start-up:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        Assert.Fail($"The host did not become healthy within 60 s:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}

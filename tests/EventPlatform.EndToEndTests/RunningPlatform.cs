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
    private readonly Process process;
    private readonly StringBuilder output;
    private readonly string connectionString;
    private readonly string workRoot;

    private RunningPlatform(Process process, StringBuilder output, Uri baseAddress, string connectionString, string workRoot)
    {
        this.process = process;
        this.output = output;
        this.connectionString = connectionString;
        this.workRoot = workRoot;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

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

    public static async Task<RunningPlatform> StartAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("e2e");
        var port = FreePort();
        var workRoot = Directory.CreateTempSubdirectory("ep-e2e-tasks-").FullName;
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(BuiltPrograms.Host)!,
        };
        startInfo.ArgumentList.Add(BuiltPrograms.Host);
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add($"http://127.0.0.1:{port}");
        startInfo.Environment["ConnectionStrings__Postgres"] = connectionString;
        startInfo.Environment["LocalLauncher__WorkRoot"] = workRoot;
        startInfo.Environment["LocalLauncher__StopGrace"] = "00:00:02";
        startInfo.Environment["JobLifecycle__RunDeadlineGrace"] = "00:00:01";

        var output = new StringBuilder();
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var platform = new RunningPlatform(process, output, new Uri($"http://127.0.0.1:{port}"), connectionString, workRoot);
        await platform.WaitUntilHealthyAsync();
        return platform;
    }

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

    private static void Append(StringBuilder output, string? line)
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

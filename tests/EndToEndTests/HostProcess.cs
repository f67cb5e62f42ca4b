using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EventPlatform.EndToEndTests;

/// <summary>One run of the built host on a free loopback port; stopped by its pid, never by name.</summary>
internal sealed class HostProcess : IDisposable
{
    private readonly StringBuilder output;
    private readonly Process process;

    private HostProcess(Process process, StringBuilder output, Uri baseAddress)
    {
        this.process = process;
        this.output = output;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Starts the host with <paramref name="environment"/> and waits until /healthz answers 200.</summary>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string> environment, StringBuilder output, int port)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var host = new HostProcess(Launch(environment, baseAddress, output), output, baseAddress);
        await host.WaitUntilHealthyAsync();
        return host;
    }

    /// <summary>
    /// Runs the host with <paramref name="environment"/> and <paramref name="arguments"/> (a mode such as
    /// <c>migrate</c>) until it exits on its own (a start-up error, a one-shot mode), for at most a minute.
    /// </summary>
    public static async Task<(int ExitCode, string Error)> RunToExitAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var output = new StringBuilder();
        using var process = Launch(environment, new Uri($"http://127.0.0.1:{FreePort()}"), output, errorOnly: true, arguments);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        await process.WaitForExitAsync();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    /// <summary>SIGKILL to the host alone, as a crash would: no shutdown, nothing flushed.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private static Process Launch(
        IReadOnlyDictionary<string, string> environment, Uri baseAddress, StringBuilder output, bool errorOnly = false, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(BuiltPrograms.Host)!,
        };
        startInfo.ArgumentList.Add(BuiltPrograms.Host);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo };
        if (!errorOnly)
        {
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
        }

        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                Assert.Fail($"The host exited with code {process.ExitCode} during start-up:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
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

    private string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static int FreePort()
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

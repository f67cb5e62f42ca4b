using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace EventPlatform.EndToEndTests;

/// <summary>
/// A real Prometheus server (Debian's, which ./test.sh installs when missing: EP_TEST_PROMETHEUS) on a
/// free loopback port with a data folder of its own, scraping one target every second; stopped by its pid.
/// </summary>
internal sealed class TestPrometheus : IAsyncDisposable
{
    public const string Variable = "EP_TEST_PROMETHEUS";

    private readonly Process process;
    private readonly string folder;
    private readonly StringBuilder output = new();
    private readonly HttpClient http;

    private TestPrometheus(Process process, string folder, Uri address)
    {
        this.process = process;
        this.folder = folder;
        http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>
    /// Starts the server scraping <paramref name="target"/> (host:port) at <paramref name="metricsPath"/>,
    /// evaluating <paramref name="ruleFiles"/>, and waits for its first scrape.
    /// </summary>
    public static async Task<TestPrometheus> StartAsync(string target, string metricsPath = "/metrics", params string[] ruleFiles)
    {
        var binary = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } set ? set : "/usr/bin/prometheus";
        if (!File.Exists(binary))
        {
            Assert.Fail($"No Prometheus server at {binary}: ./test.sh installs Debian's prometheus package and sets {Variable}.");
        }

        var folder = Directory.CreateTempSubdirectory("ep-prometheus-").FullName;
        var config = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [{string.Join(", ", ruleFiles.Select(f => $"'{f}'"))}]
            scrape_configs:
              - job_name: eventplatform
                metrics_path: {metricsPath}
                static_configs:
                  - targets: ['{target}']
            """);
        var address = new Uri($"http://127.0.0.1:{HostProcess.FreePort()}");
        var startInfo = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var argument in new[]
        {
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
            $"--web.listen-address={address.Host}:{address.Port}", "--log.level=warn",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var prometheus = new TestPrometheus(Process.Start(startInfo)!, folder, address);
        prometheus.process.OutputDataReceived += (_, e) => prometheus.Append(e.Data);
        prometheus.process.ErrorDataReceived += (_, e) => prometheus.Append(e.Data);
        prometheus.process.BeginOutputReadLine();
        prometheus.process.BeginErrorReadLine();
        await prometheus.WaitForFirstScrapeAsync();
        return prometheus;
    }

    /// <summary>An instant query's result: one value per series, keyed by the series' labels in the order given.</summary>
    public async Task<IReadOnlyDictionary<string, double>> QueryAsync(string promql, params string[] keyLabels)
    {
        var answer = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/query?query={Uri.EscapeDataString(promql)}", UriKind.Relative));
        Assert.That(answer.GetProperty("status").GetString(), Is.EqualTo("success"), answer.ToString());
        var series = new Dictionary<string, double>();
        foreach (var result in answer.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var metric = result.GetProperty("metric");
            var key = string.Join(",", keyLabels.Select(label => metric.TryGetProperty(label, out var value) ? value.GetString() : string.Empty));
            series[key] = double.Parse(result.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        }

        return series;
    }

    /// <summary>The rules the server loaded, by name, with their health ("ok", "err" or "unknown").</summary>
    public async Task<IReadOnlyDictionary<string, string>> RulesAsync()
    {
        var answer = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/rules", UriKind.Relative));
        return answer.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(group => group.GetProperty("rules").EnumerateArray())
            .ToDictionary(rule => rule.GetProperty("name").GetString()!, rule => rule.GetProperty("health").GetString()!);
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

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Ready is not enough: the first scrape can come seconds after <c>/-/ready</c>.</summary>
    private async Task WaitForFirstScrapeAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                Assert.Fail($"Prometheus exited with code {process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await QueryAsync("up == 1")).Count == 1)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        Assert.Fail($"Prometheus did not scrape its target within 60 s:\n{Output}");
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

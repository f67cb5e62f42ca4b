using System.Diagnostics;

namespace EventPlatform.EndToEndTests;

/// <summary>Runs the built <c>ep</c> against a platform, as a user would.</summary>
internal static class EpCli
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(Uri server, string apiKey, params string[] arguments) =>
        RunAsync(new Dictionary<string, string?> { ["EP_URL"] = server.ToString(), ["EP_API_KEY"] = apiKey }, arguments);

    /// <summary>With exactly <paramref name="environment"/> as the EP_ settings and config location: a null value unsets a variable.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        using var process = Start(environment, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
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

        return (process.ExitCode, await output, await error);
    }

    /// <summary>A running <c>ep</c> whose output the caller reads as it comes; the caller stops it.</summary>
    public static Process Start(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(BuiltPrograms.Cli);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Only what the test says: a developer's own EP_ settings or config file must not leak in.
        startInfo.Environment.Remove("EP_URL");
        startInfo.Environment.Remove("EP_API_KEY");
        startInfo.Environment["XDG_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), "ep-e2e-no-config");
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        return Process.Start(startInfo)!;
    }
}

using System.Diagnostics;

namespace EventPlatform.EndToEndTests;

/// <summary>Runs the built <c>ep</c> against a platform, as a user would.</summary>
internal static class EpCli
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(Uri server, string apiKey, params string[] arguments)
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

        startInfo.Environment["EP_URL"] = server.ToString();
        startInfo.Environment["EP_API_KEY"] = apiKey;
        using var process = Process.Start(startInfo)!;
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
}

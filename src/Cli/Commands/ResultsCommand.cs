using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace EventPlatform.Cli.Commands;

internal static class ResultsCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = new Argument<string>("id") { Description = "The job's id." };
        var download = new Option<DirectoryInfo?>("--download", "-d") { Description = "Download every artifact into this folder (created if missing)." };
        var results = new Command("results", "List the artifacts of a job's latest attempt (name and size in bytes), or download them.") { jobId, download };
        results.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var artifacts = (await client.GetArtifactsAsync(parse.GetValue(jobId)!, cancellationToken).ConfigureAwait(false))
                .EnumerateArray()
                .Select(a => (Name: a.GetProperty("name").GetString()!, Size: a.GetProperty("size").GetInt64(), Url: new Uri(a.GetProperty("url").GetString()!)))
                .ToList();
            var width = artifacts.Count == 0 ? 0 : artifacts.Max(a => a.Name.Length);
            foreach (var (name, size, _) in artifacts)
            {
                await context.Output.WriteLineAsync($"{name.PadRight(width)}  {size.ToString(CultureInfo.InvariantCulture),12}").ConfigureAwait(false);
            }

            if (parse.GetValue(download) is { } folder)
            {
                foreach (var (name, _, url) in artifacts)
                {
                    var path = Within(folder, name);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await EpClient.DownloadAsync(url, path, cancellationToken).ConfigureAwait(false);
                }

                await context.Error.WriteLineAsync($"Downloaded {artifacts.Count} artifacts into {folder.FullName}").ConfigureAwait(false);
            }

            return 0;
        }));
        return results;
    }

    /// <summary>Names come from the server: one that would land outside the folder is refused.</summary>
    private static string Within(DirectoryInfo folder, string name)
    {
        var root = Path.GetFullPath(folder.FullName).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var path = Path.GetFullPath(Path.Combine(root, name));
        return path.StartsWith(root, StringComparison.Ordinal)
            ? path
            : throw new EpException($"The artifact name '{name}' would be written outside {folder.FullName}; not downloading it.");
    }
}

/// <summary>Shared by the commands that follow a job until it ends.</summary>
internal static class JobStates
{
    private static readonly string[] Terminal = ["Succeeded", "Failed", "TimedOut", "Cancelled"];

    public static bool HasEnded(JsonElement job) => Terminal.Contains(job.GetProperty("state").GetString());
}

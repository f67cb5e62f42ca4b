using System.CommandLine;
using System.Globalization;

namespace EventPlatform.Cli.Commands;

internal static class ResultsCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = new Argument<string>("id") { Description = "The job's id." };
        var download = new Option<DirectoryInfo?>("--download", "-d") { Description = "Download every artifact into this folder (created if missing)." };
        var results = new Command(
            "results",
            "List a job's artifacts (name and size in bytes) and download them with --download.\nExample: ep results <id> --download ./out") { jobId, download };
        results.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var listed = await client.GetArtifactsAsync(parse.GetValue(jobId)!, cancellationToken).ConfigureAwait(false);
            var artifacts = listed
                .EnumerateArray()
                .Select(a => (Name: a.GetProperty("name").GetString()!, Size: a.GetProperty("size").GetInt64(), Url: new Uri(a.GetProperty("url").GetString()!)))
                .ToList();
            await context.WriteAsync(listed, async () =>
            {
                var width = artifacts.Count == 0 ? 0 : artifacts.Max(a => a.Name.Length);
                foreach (var (name, size, _) in artifacts)
                {
                    await context.Output.WriteLineAsync($"{name.PadRight(width)}  {size.ToString(CultureInfo.InvariantCulture),12}").ConfigureAwait(false);
                }
            }).ConfigureAwait(false);

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

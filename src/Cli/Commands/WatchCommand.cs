using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace EventPlatform.Cli.Commands;

internal static class WatchCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Enough for anyone's jobs in flight; a change further down the list shows once it moves up.</summary>
    private const int PageSize = 200;

    public static Command Create(CliContext context)
    {
        var jobId = new Argument<string?>("id") { Description = "The job to follow; without it, all of your jobs.", Arity = ArgumentArity.ZeroOrOne };
        var watch = new Command(
            "watch",
            "Follow one job until it ends and exit with its exit code, or, without an id, print every state change\n"
            + "of your jobs as it happens until Ctrl-C (with --output json: one JSON document per line).\n"
            + "Example: ep watch --output json | jq -r 'select(.state == \"Failed\") | .jobId'")
        {
            jobId,
        };
        watch.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
            parse.GetValue(jobId) is { } id
                ? await JobFollower.FollowAsync(context, client, id, cancellationToken).ConfigureAwait(false)
                : await WatchAllAsync(context, client, cancellationToken).ConfigureAwait(false)));
        return watch;
    }

    /// <summary>
    /// Polls the newest page of jobs and prints every job whose state differs from what was printed
    /// for it last; at the start, the jobs that have not ended.
    /// </summary>
    private static async Task<int> WatchAllAsync(CliContext context, EpClient client, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var first = true;
        try
        {
            while (true)
            {
                var page = await client.GetJsonAsync($"/jobs?limit={PageSize}", cancellationToken).ConfigureAwait(false);
                foreach (var job in page.GetProperty("items").EnumerateArray().Reverse())
                {
                    var id = job.GetProperty("jobId").GetString()!;
                    var state = job.GetProperty("state").GetString()!;
                    var changed = seen.TryGetValue(id, out var before) ? before != state : !(first && JobStates.HasEnded(job));
                    seen[id] = state;
                    if (changed)
                    {
                        await WriteChangeAsync(context, job).ConfigureAwait(false);
                    }
                }

                first = false;
                await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }

    private static Task WriteChangeAsync(CliContext context, JsonElement job) => context.Json
        ? context.Output.WriteLineAsync(JsonSerializer.Serialize(job))
        : context.Output.WriteLineAsync(string.Join(
            "  ",
            DateTimeOffset.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            job.GetProperty("jobId").GetString(),
            job.GetProperty("state").GetString()!.PadRight(9),
            string.Join(' ', job.GetProperty("command").EnumerateArray().Select(c => c.GetString()))));
}

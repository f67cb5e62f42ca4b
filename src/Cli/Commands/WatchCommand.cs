using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace EventPlatform.Cli.Commands;

internal static class WatchCommand
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    /// <summary>Enough for anyone's jobs in flight when the watch starts; later changes come from the stream.</summary>
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
    /// Prints the jobs that have not ended, then every change of state that GET /jobs/events reports,
    /// as the job now is; a dropped stream is opened again after its last event, so nothing is missed.
    /// </summary>
    private static async Task<int> WatchAllAsync(CliContext context, EpClient client, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        long? last = null;
        var first = true;
        try
        {
            while (true)
            {
                try
                {
                    await using var changes = client.FollowChangesAsync(last, cancellationToken).GetAsyncEnumerator(cancellationToken);
                    var next = changes.MoveNextAsync().AsTask();
                    if (first)
                    {
                        // The stream is asked for before the list is read, so the two overlap rather than leave a gap.
                        first = false;
                        var page = await client.GetJsonAsync($"/jobs?limit={PageSize}", cancellationToken).ConfigureAwait(false);
                        foreach (var job in page.GetProperty("items").EnumerateArray().Reverse())
                        {
                            await PrintIfChangedAsync(context, seen, job, onlyNotEnded: true).ConfigureAwait(false);
                        }

                        await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }

                    while (await next.ConfigureAwait(false))
                    {
                        var (id, change) = changes.Current;
                        last = id;
                        if (change.GetProperty("state").GetString() is { } state
                            && seen.GetValueOrDefault(change.GetProperty("jobId").GetString()!) != state)
                        {
                            var job = await client.GetJobAsync(change.GetProperty("jobId").GetString()!, cancellationToken).ConfigureAwait(false);
                            await PrintIfChangedAsync(context, seen, job, onlyNotEnded: false).ConfigureAwait(false);
                            await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                        }

                        next = changes.MoveNextAsync().AsTask();
                    }
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    // The connection dropped: resume after the last event.
                }

                await Task.Delay(ReconnectDelay, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }

    private static async Task PrintIfChangedAsync(CliContext context, Dictionary<string, string> seen, JsonElement job, bool onlyNotEnded)
    {
        var id = job.GetProperty("jobId").GetString()!;
        var state = job.GetProperty("state").GetString()!;
        var changed = seen.TryGetValue(id, out var before) ? before != state : !(onlyNotEnded && JobStates.HasEnded(job));
        seen[id] = state;
        if (changed)
        {
            await WriteChangeAsync(context, job).ConfigureAwait(false);
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

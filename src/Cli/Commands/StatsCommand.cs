using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace EventPlatform.Cli.Commands;

internal static class StatsCommand
{
    private static readonly string[] States = ["queued", "starting", "running", "succeeded", "failed", "timedOut", "cancelled"];

    public static Command Create(CliContext context)
    {
        var user = new Option<string>("--user") { Description = "This user's figures instead of yours (admin keys only)." };
        var queue = new Option<bool>("--queue") { Description = "The queue's figures: jobs waiting per priority, starting, running, and the oldest wait." };
        var stats = new Command(
            "stats",
            "Show your jobs by state and how long their runs took, or the queue's figures.\nExample: ep stats --queue") { user, queue };
        stats.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var ofQueue = parse.GetValue(queue);
            var path = ofQueue
                ? "/stats/queue"
                : parse.GetValue(user) is { Length: > 0 } name ? $"/stats/users/{Uri.EscapeDataString(name)}" : "/stats/users/me";
            var body = await client.GetJsonAsync(path, cancellationToken).ConfigureAwait(false);
            await context.WriteAsync(body, () => context.WriteTableAsync(["FIGURE", "VALUE"], ofQueue ? QueueRows(body) : UserRows(body))).ConfigureAwait(false);
            return 0;
        }));
        return stats;
    }

    private static IEnumerable<string[]> UserRows(JsonElement stats)
    {
        yield return ["user", stats.GetProperty("user").GetString()!];
        var jobs = stats.GetProperty("jobs");
        foreach (var state in States)
        {
            yield return [state, jobs.GetProperty(state).GetInt32().ToString(CultureInfo.InvariantCulture)];
        }

        var runs = stats.GetProperty("runDurations");
        yield return ["runs", runs.GetProperty("count").GetInt64().ToString(CultureInfo.InvariantCulture)];
        yield return ["run p50", Seconds(runs.GetProperty("p50Seconds"))];
        yield return ["run p95", Seconds(runs.GetProperty("p95Seconds"))];
    }

    private static IEnumerable<string[]> QueueRows(JsonElement queue)
    {
        var queued = queue.GetProperty("queued");
        foreach (var priority in new[] { "high", "normal", "low", "total" })
        {
            yield return [$"queued {priority}", queued.GetProperty(priority).GetInt32().ToString(CultureInfo.InvariantCulture)];
        }

        yield return ["starting", queue.GetProperty("starting").GetInt32().ToString(CultureInfo.InvariantCulture)];
        yield return ["running", queue.GetProperty("running").GetInt32().ToString(CultureInfo.InvariantCulture)];
        var oldest = queue.GetProperty("oldestWaiting");
        yield return ["oldest waiting", oldest.ValueKind == JsonValueKind.Null
            ? "-"
            : $"{Seconds(oldest.GetProperty("waitedSeconds"))} ({oldest.GetProperty("priority").GetString()}{(oldest.GetProperty("jobId").GetString() is { } id ? $", {id}" : string.Empty)})"];
    }

    private static string Seconds(JsonElement value) =>
        value.ValueKind == JsonValueKind.Null ? "-" : value.GetDouble().ToString("0.###", CultureInfo.InvariantCulture) + " s";
}

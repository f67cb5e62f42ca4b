using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace EventPlatform.Cli.Commands;

internal static class HistoryCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = new Argument<string>("id") { Description = "The job's id." };
        var history = new Command("history", "Print a job's timeline: every transition with its time, attempt and reason.\nExample: ep history <id>") { jobId };
        history.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var timeline = await client.GetJsonAsync($"/jobs/{Uri.EscapeDataString(parse.GetValue(jobId)!)}/timeline", cancellationToken).ConfigureAwait(false);
            await context.WriteAsync(timeline, () => context.WriteTableAsync(
                ["VERSION", "AT", "EVENT", "ATTEMPT", "DETAIL"],
                timeline.GetProperty("entries").EnumerateArray().Select(Row))).ConfigureAwait(false);
            return 0;
        }));
        return history;
    }

    private static string[] Row(JsonElement entry) =>
    [
        entry.GetProperty("version").GetInt64().ToString(CultureInfo.InvariantCulture),
        entry.GetProperty("at").GetDateTimeOffset().ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        entry.GetProperty("event").GetString()!,
        entry.GetProperty("attempt").GetInt32().ToString(CultureInfo.InvariantCulture),
        entry.GetProperty("detail").GetString() ?? string.Empty,
    ];
}

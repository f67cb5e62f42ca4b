using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace EventPlatform.Cli.Commands;

internal static class EventsCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = new Argument<string>("id") { Description = "The job's id." };
        var events = new Command("events", "Print a job's event stream, oldest first: version, time, type and data.\nExample: ep events <id> --output json | jq '.[].type'") { jobId };
        events.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var stream = await client.GetEventsAsync(parse.GetValue(jobId)!, cancellationToken).ConfigureAwait(false);
            await context.WriteAsync(stream, () => context.WriteTableAsync(["VERSION", "AT", "TYPE", "DATA"], stream.EnumerateArray().Select(Row))).ConfigureAwait(false);
            return 0;
        }));
        return events;
    }

    private static string[] Row(JsonElement e) =>
    [
        e.GetProperty("version").GetInt64().ToString(CultureInfo.InvariantCulture),
        e.GetProperty("timestamp").GetDateTimeOffset().ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        e.GetProperty("type").GetString()!,
        e.GetProperty("data").GetRawText(),
    ];
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace EventPlatform.Cli.Commands;

internal static class AdminCommand
{
    public static Command Create(CliContext context) =>
        new("admin", "Operate the platform (admin keys only).") { Rebuild(context) };

    private static Command Rebuild(CliContext context)
    {
        var projection = new Argument<string>("projection")
        {
            Description = "JobStatus, JobTimeline, UserJobStats, QueueStats, or all (the default).",
            DefaultValueFactory = _ => "all",
        };
        var rebuild = new Command(
            "rebuild",
            "Rebuild a projection (or all of them) from the job streams.\nExample: ep admin rebuild JobStatus") { projection };
        rebuild.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var body = await client.PostLongJsonAsync($"/admin/projections/{Uri.EscapeDataString(parse.GetValue(projection)!)}/rebuild", cancellationToken).ConfigureAwait(false);
            var rebuilds = body.ValueKind == JsonValueKind.Array ? body.EnumerateArray().ToList() : [body];
            await context.WriteAsync(body, () => context.WriteTableAsync(["PROJECTION", "EVENTS", "ELAPSED"], rebuilds.Select(Row))).ConfigureAwait(false);
            return 0;
        }));
        return rebuild;
    }

    private static string[] Row(JsonElement rebuild) =>
    [
        rebuild.GetProperty("projection").GetString()!,
        rebuild.GetProperty("events").GetInt64().ToString(CultureInfo.InvariantCulture),
        $"{rebuild.GetProperty("elapsedMs").GetInt64().ToString(CultureInfo.InvariantCulture)} ms",
    ];
}

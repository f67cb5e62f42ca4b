using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace EventPlatform.Cli.Commands;

internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var state = new Option<string>("--state") { Description = "Only jobs in this state (queued, starting, running, succeeded, failed, timedout, cancelled)." };
        var priority = new Option<string>("--priority") { Description = "Only jobs of this priority (high, normal, low)." };
        var user = new Option<string>("--user") { Description = "Only this user's jobs (admin keys only)." };
        var since = new Option<string>("--since") { Description = "Only jobs created at or after this ISO 8601 time." };
        var until = new Option<string>("--until") { Description = "Only jobs created before this ISO 8601 time." };
        var text = new Option<string>("--query", "-q") { Description = "Only jobs whose command contains this text." };
        var labels = new Option<string[]>("--label") { Description = "Only jobs with this label, as key:value; repeat to require several.", AllowMultipleArgumentsPerToken = false };
        var limit = new Option<int?>("--limit") { Description = "How many jobs per page (1 to 500; the server's default is 50)." };
        var cursor = new Option<string>("--cursor") { Description = "Continue from the nextCursor of an earlier page." };
        var list = new Command(
            "list",
            "List jobs, newest first: yours, or everyone's with an admin key. Filters combine.\n"
            + "Example: ep list --state failed --since 2026-11-22T00:00:00Z --label team:data")
        {
            state, priority, user, since, until, text, labels, limit, cursor,
        };
        list.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            List<string> query = [];
            Add(query, "state", parse.GetValue(state));
            Add(query, "priority", parse.GetValue(priority));
            Add(query, "user", parse.GetValue(user));
            Add(query, "since", parse.GetValue(since));
            Add(query, "until", parse.GetValue(until));
            Add(query, "q", parse.GetValue(text));
            foreach (var label in parse.GetValue(labels) ?? [])
            {
                Add(query, "label", label);
            }

            Add(query, "limit", parse.GetValue(limit)?.ToString(CultureInfo.InvariantCulture));
            Add(query, "cursor", parse.GetValue(cursor));
            var page = await client.GetJsonAsync(query.Count == 0 ? "/jobs" : $"/jobs?{string.Join('&', query)}", cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                await context.WriteJsonAsync(page).ConfigureAwait(false);
                return 0;
            }

            await context.WriteTableAsync(
                ["ID", "STATE", "PRIORITY", "USER", "CREATED", "LABELS", "COMMAND"],
                page.GetProperty("items").EnumerateArray().Select(Row)).ConfigureAwait(false);
            if (page.GetProperty("nextCursor").GetString() is { } next)
            {
                await context.Error.WriteLineAsync($"More jobs: ep list --cursor {next} (with the same filters)").ConfigureAwait(false);
            }

            return 0;
        }));
        return list;
    }

    private static string[] Row(JsonElement job) =>
    [
        job.GetProperty("jobId").GetString()!,
        job.GetProperty("state").GetString()!,
        job.GetProperty("priority").GetString()!,
        job.GetProperty("userId").GetString()!,
        job.GetProperty("createdAt").GetDateTimeOffset().ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        string.Join(',', job.GetProperty("labels").EnumerateObject().Select(l => $"{l.Name}:{l.Value.GetString()}")),
        string.Join(' ', job.GetProperty("command").EnumerateArray().Select(c => c.GetString())),
    ];

    private static void Add(List<string> query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace EventPlatform.Cli.Commands;

internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = new Argument<string>("id") { Description = "The job's id." };
        var status = new Command("status", "Show a job: its state, exit code, attempts, times and spec.\nExample: ep status <id> --output json") { jobId };
        status.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var job = await client.GetJobAsync(parse.GetValue(jobId)!, cancellationToken).ConfigureAwait(false);
            await context.WriteAsync(job, () => WriteAsync(context.Output, job)).ConfigureAwait(false);
            return 0;
        }));
        return status;
    }

    private static async Task WriteAsync(TextWriter output, JsonElement job)
    {
        List<(string Name, string? Value)> fields =
        [
            ("Job", job.GetProperty("jobId").GetString()),
            ("State", job.GetProperty("state").GetString() + (Number(job, "exitCode") is { } code ? $" (exit code {code})" : string.Empty)),
            ("Waiting for", Text(job, "waitingFor")),
            ("Error", Text(job, "error")),
            ("User", Text(job, "userId")),
            ("Command", string.Join(' ', job.GetProperty("command").EnumerateArray().Select(c => c.GetString()))),
            ("Priority", Text(job, "priority")),
            ("Attempt", $"{Number(job, "attempt")} of {Number(job, "maxAttempts")}"),
            ("Timeout", $"{Number(job, "timeoutSeconds")} s"),
            ("Created", Time(job, "createdAt")),
            ("Started", Time(job, "startedAt")),
            ("Finished", Time(job, "finishedAt")),
            ("Retry at", Time(job, "retryAt")),
            ("Cancel asked", Time(job, "cancelRequestedAt")),
            ("Labels", job.TryGetProperty("labels", out var labels) ? string.Join(", ", labels.EnumerateObject().Select(l => $"{l.Name}:{l.Value.GetString()}")) : null),
        ];
        var shown = fields.Where(f => !string.IsNullOrEmpty(f.Value)).ToList();
        var width = shown.Max(f => f.Name.Length);
        foreach (var (name, value) in shown)
        {
            await output.WriteLineAsync($"{name.PadRight(width)}  {value}").ConfigureAwait(false);
        }
    }

    private static string? Text(JsonElement job, string name) =>
        job.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Number(JsonElement job, string name) =>
        job.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64().ToString(CultureInfo.InvariantCulture) : null;

    private static string? Time(JsonElement job, string name) =>
        job.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetDateTimeOffset().ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : null;
}

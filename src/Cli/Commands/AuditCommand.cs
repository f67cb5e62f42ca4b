using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace EventPlatform.Cli.Commands;

internal static class AuditCommand
{
    public static Command Create(CliContext context) =>
        new("audit", "Check the read side against the event streams (admin keys only).") { Verify(context) };

    private static Command Verify(CliContext context)
    {
        var verify = new Command(
            "verify",
            "Replay every job's stream and compare it with its stored status; exits 1 on any mismatch.\nExample: ep audit verify");
        verify.SetAction((_, cancellationToken) => context.RunAsync(async client =>
        {
            var report = await client.PostLongJsonAsync("/admin/audit/verify", cancellationToken).ConfigureAwait(false);
            var mismatches = report.GetProperty("mismatches").EnumerateArray().ToList();
            await context.WriteAsync(report, async () =>
            {
                if (mismatches.Count > 0)
                {
                    await context.WriteTableAsync(["JOB", "FIELD", "STORED", "REPLAYED"], mismatches.SelectMany(Rows)).ConfigureAwait(false);
                }

                var checkedJobs = report.GetProperty("checked").GetInt64().ToString(CultureInfo.InvariantCulture);
                await context.Output.WriteLineAsync($"{checkedJobs} jobs checked, {mismatches.Count} mismatched").ConfigureAwait(false);
            }).ConfigureAwait(false);

            return mismatches.Count == 0 ? 0 : EpCommand.ExitFailure;
        }));
        return verify;
    }

    private static IEnumerable<string[]> Rows(JsonElement mismatch)
    {
        var jobId = mismatch.GetProperty("jobId").GetString()!;
        var stored = mismatch.GetProperty("stored");
        var replayed = mismatch.GetProperty("replayed");
        foreach (var field in mismatch.GetProperty("fields").EnumerateArray().Select(f => f.GetString()!))
        {
            yield return [jobId, field, Text(stored.GetProperty(field)), Text(replayed.GetProperty(field))];
        }
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "-",
        JsonValueKind.String => value.GetString()!,
        _ => value.GetRawText(),
    };
}

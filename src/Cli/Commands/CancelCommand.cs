using System.CommandLine;

namespace EventPlatform.Cli.Commands;

internal static class CancelCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = new Argument<string>("id") { Description = "The job's id." };
        var reason = new Option<string?>("--reason") { Description = "Why, for the job's history." };
        var cancel = new Command(
            "cancel",
            "Cancel a job that has not ended; cancelling twice is harmless.\nExample: ep cancel <id> --reason \"not needed\"")
        {
            jobId, reason,
        };
        cancel.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var id = parse.GetValue(jobId)!;
            var accepted = await client.CancelAsync(id, parse.GetValue(reason), cancellationToken).ConfigureAwait(false);
            await context.WriteAsync(accepted, () => context.Output.WriteLineAsync($"{id} cancel requested")).ConfigureAwait(false);
            return 0;
        }));
        return cancel;
    }
}

using System.CommandLine;

namespace EventPlatform.Cli.Commands;

internal static class RerunCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = new Argument<string>("id") { Description = "The job to run again." };
        var wait = new Option<bool>("--wait", "-w") { Description = "Follow the new job until it ends; exit with 0 if it succeeded, else its exit code (or 1)." };
        var rerun = new Command(
            "rerun",
            "Submit a new job with the same spec as another and print the new job's id (with --output json, the server's answer; with --wait, the ended job).\n"
            + "Example: ep rerun <id> --wait")
        {
            jobId, wait,
        };
        rerun.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var accepted = await client.RerunAsync(parse.GetValue(jobId)!, cancellationToken).ConfigureAwait(false);
            var newId = accepted.GetProperty("jobId").GetString()!;
            if (parse.GetValue(wait))
            {
                if (!context.Json)
                {
                    await context.Output.WriteLineAsync(newId).ConfigureAwait(false);
                    await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                return await JobFollower.FollowAsync(context, client, newId, cancellationToken).ConfigureAwait(false);
            }

            await context.WriteAsync(accepted, () => context.Output.WriteLineAsync(newId)).ConfigureAwait(false);
            return 0;
        }));
        return rerun;
    }
}

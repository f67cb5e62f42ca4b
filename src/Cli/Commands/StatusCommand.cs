using System.CommandLine;

namespace EventPlatform.Cli.Commands;

internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = new Argument<string>("id") { Description = "The job's id." };
        var status = new Command("status", "Show a job's state.") { jobId };
        status.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var job = await client.GetJobAsync(parse.GetValue(jobId)!, cancellationToken).ConfigureAwait(false);
            await context.WriteJsonAsync(job).ConfigureAwait(false);
            return 0;
        }));
        return status;
    }
}

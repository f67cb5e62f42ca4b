using System.CommandLine;

namespace EventPlatform.Cli.Commands;

internal static class EventsCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = new Argument<string>("id") { Description = "The job's id." };
        var events = new Command("events", "Print a job's event stream, oldest first.") { jobId };
        events.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var stream = await client.GetEventsAsync(parse.GetValue(jobId)!, cancellationToken).ConfigureAwait(false);
            await context.WriteJsonAsync(stream).ConfigureAwait(false);
            return 0;
        }));
        return events;
    }
}

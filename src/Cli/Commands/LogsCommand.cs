using System.CommandLine;
using System.Text.Json;

namespace EventPlatform.Cli.Commands;

internal static class LogsCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static Command Create(CliContext context)
    {
        var jobId = new Argument<string>("id") { Description = "The job's id." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new output until the job ends." };
        var attempt = new Option<int?>("--attempt") { Description = "This attempt's output instead of the latest one's." };
        var logs = new Command(
            "logs",
            "Print a job's output: so far while it runs, all of it once it ended (--output json: {jobId, attempt, text}).\n"
            + "Example: ep logs <id> --follow")
        {
            jobId, follow, attempt,
        };
        logs.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var id = parse.GetValue(jobId)!;
            var which = parse.GetValue(attempt);
            var text = context.Json ? new StringWriter() : context.Output;
            if (parse.GetValue(follow) && which is null)
            {
                await FollowAsync(context, text, client, id, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await text.WriteAsync(await client.GetLogsAsync(id, which, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            }

            if (context.Json)
            {
                await context.WriteJsonAsync(JsonSerializer.SerializeToElement(new { jobId = id, attempt = which, text = text.ToString() })).ConfigureAwait(false);
            }

            return 0;
        }));
        return logs;
    }

    /// <summary>Polls the job and its output, printing only what is new; a retry's output follows under a line of its own.</summary>
    private static async Task FollowAsync(CliContext context, TextWriter output, EpClient client, string jobId, CancellationToken cancellationToken)
    {
        var attempt = 0;
        var printed = 0;
        while (true)
        {
            // The state first: output fetched after the job was seen ended is all there is.
            var job = await client.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
            var ended = JobStates.HasEnded(job);
            var latest = job.GetProperty("attempt").GetInt32();
            if (latest != attempt)
            {
                if (attempt != 0)
                {
                    await context.Error.WriteLineAsync($"ep: attempt {latest}").ConfigureAwait(false);
                }

                attempt = latest;
                printed = 0;
            }

            var text = attempt == 0 ? string.Empty : await client.GetLogsAsync(jobId, attempt, cancellationToken).ConfigureAwait(false);
            if (text.Length > printed)
            {
                await output.WriteAsync(text[printed..]).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                printed = text.Length;
            }

            if (ended)
            {
                return;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}

using System.Diagnostics;
using System.Text.Json;
using EventPlatform.Contracts.Jobs;
using Spectre.Console;

namespace EventPlatform.Cli.Commands;

/// <summary>
/// Follows one job until it ends (<c>submit --wait</c>, <c>watch ID</c>): a live status line on a
/// terminal, else a plain line on stderr for each state it passes through, as GET /jobs/events reports them. The exit code is the
/// job's: 0 if it succeeded, else its exit code, or 1 when it has none.
/// </summary>
internal static class JobFollower
{
    private static readonly TimeSpan QuietInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    public static async Task<int> FollowAsync(CliContext context, EpClient client, string jobId, CancellationToken cancellationToken)
    {
        var job = context.Interactive
            ? await WithLiveLineAsync(client, jobId, cancellationToken).ConfigureAwait(false)
            : await WithPlainLinesAsync(context, client, jobId, cancellationToken).ConfigureAwait(false);
        await context.WriteAsync(job, () => Task.CompletedTask).ConfigureAwait(false);
        return ExitCodeOf(job);
    }

    public static int ExitCodeOf(JsonElement job) => job.GetProperty("state").GetString() switch
    {
        nameof(JobPhase.Succeeded) => 0,
        _ when job.TryGetProperty("exitCode", out var code) && code.ValueKind == JsonValueKind.Number && code.GetInt32() != 0 => code.GetInt32(),
        _ => EpCommand.ExitFailure,
    };

    private static async Task<JsonElement> WithPlainLinesAsync(CliContext context, EpClient client, string jobId, CancellationToken cancellationToken)
    {
        string? lastState = null;
        return await UntilEndedAsync(client, jobId, async job =>
        {
            var state = job.GetProperty("state").GetString();
            if (state != lastState)
            {
                await context.Error.WriteLineAsync($"{jobId} {state}").ConfigureAwait(false);
                lastState = state;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<JsonElement> WithLiveLineAsync(EpClient client, string jobId, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var clock = Stopwatch.StartNew();
        var job = await console.Status().Spinner(Spinner.Known.Dots).StartAsync($"{jobId} ...", status => UntilEndedAsync(client, jobId, job =>
        {
            status.Status(Markup.Escape($"{jobId} {Describe(job)}  {clock.Elapsed:mm\\:ss}"));
            return Task.CompletedTask;
        }, cancellationToken)).ConfigureAwait(false);
        console.MarkupLine($"{Markup.Escape(jobId)} [{(ExitCodeOf(job) == 0 ? "green" : "red")}]{Markup.Escape(Describe(job))}[/]");
        return job;
    }

    /// <summary>
    /// Hands <paramref name="seen"/> the job as it is, then again at each change GET /jobs/events reports
    /// for it, until it ends. The stream is asked for before the job is read, so a change between the
    /// two is not missed; a dropped stream is opened again after its last event; and the job is read
    /// again after a quiet <see cref="QuietInterval"/> in case the stream opened after a change.
    /// </summary>
    private static async Task<JsonElement> UntilEndedAsync(EpClient client, string jobId, Func<JsonElement, Task> seen, CancellationToken cancellationToken)
    {
        long? last = null;
        while (true)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var changes = client.FollowChangesAsync(last, stop.Token, jobId).GetAsyncEnumerator(stop.Token);
            var next = changes.MoveNextAsync().AsTask();
            try
            {
                while (true)
                {
                    var job = await client.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
                    await seen(job).ConfigureAwait(false);
                    if (JobStates.HasEnded(job))
                    {
                        return job;
                    }

                    if (await Task.WhenAny(next, Task.Delay(QuietInterval, cancellationToken)).ConfigureAwait(false) != next)
                    {
                        continue;
                    }

                    if (!await next.ConfigureAwait(false))
                    {
                        break;
                    }

                    last = changes.Current.Id;
                    next = changes.MoveNextAsync().AsTask();
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                // The connection dropped: open it again after the last event.
            }
            finally
            {
                // An iterator is disposed only once its pending read has finished; how it finished no longer matters.
                await stop.CancelAsync().ConfigureAwait(false);
                await Task.WhenAny(next).ConfigureAwait(false);
                await changes.DisposeAsync().ConfigureAwait(false);
            }

            await Task.Delay(ReconnectDelay, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Describe(JsonElement job)
    {
        var text = job.GetProperty("state").GetString()!;
        if (job.TryGetProperty("attempt", out var attempt) && attempt.GetInt32() > 1)
        {
            text += $" (attempt {attempt.GetInt32()})";
        }

        if (job.TryGetProperty("waitingFor", out var waiting) && waiting.ValueKind == JsonValueKind.String)
        {
            text += $", waiting for {waiting.GetString()}";
        }

        if (job.TryGetProperty("exitCode", out var code) && code.ValueKind == JsonValueKind.Number)
        {
            text += $", exit code {code.GetInt32()}";
        }

        return job.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String ? $"{text}: {error.GetString()}" : text;
    }
}

/// <summary>Shared by the commands that follow a job until it ends.</summary>
internal static class JobStates
{
    public static bool HasEnded(JsonElement job) =>
        Enum.TryParse<JobPhase>(job.GetProperty("state").GetString(), out var phase) && phase.HasEnded();
}

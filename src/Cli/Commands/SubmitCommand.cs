using System.CommandLine;
using System.Text.Json;

namespace EventPlatform.Cli.Commands;

internal static class SubmitCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly string[] TerminalStates = ["Succeeded", "Failed", "TimedOut", "Cancelled"];

    /// <summary>The Agent runs <c>["ep-builtin", NAME]</c> as one of its demo workloads.</summary>
    private const string BuiltinCommand = "ep-builtin";

    private static readonly string[] Builtins = ["cpu", "memory", "io", "sleep", "fail", "computer-use"];

    public static Command Create(CliContext context)
    {
        var timeout = new Option<int?>("--timeout", "-t") { Description = "Seconds the job may run (1..86400; server default 3600)." };
        var priority = new Option<string?>("--priority", "-p") { Description = "high, normal or low (default normal)." };
        priority.AcceptOnlyFromAmong("high", "normal", "low");
        var env = new Option<string[]>("--env", "-e") { Description = "Environment variable for the job, NAME=VALUE (repeatable)." };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "Attempts for retryable failures (1..10; default 3)." };
        var retryOn = new Option<int[]>("--retry-on-exit-code") { Description = "An exit code of the command that earns another attempt (repeatable)." };
        var wait = new Option<bool>("--wait", "-w") { Description = "Wait for the job to end; exit with 0 if it succeeded, else its exit code (or 1)." };
        var builtin = new Option<string?>("--builtin", "-b") { Description = "Run a built-in demo workload instead of a command: " + string.Join(", ", Builtins) + "." };
        builtin.AcceptOnlyFromAmong(Builtins);
        var command = new Argument<string[]>("command")
        {
            Description = "The command to run, after --: ep submit -- sh -c 'echo hi'",
            Arity = ArgumentArity.ZeroOrMore,
        };

        var submit = new Command("submit", "Submit a job.") { timeout, priority, env, maxAttempts, retryOn, wait, builtin, command };
        submit.Validators.Add(result =>
        {
            var hasCommand = result.GetValue(command) is { Length: > 0 };
            var hasBuiltin = result.GetValue(builtin) is not null;
            if (hasCommand == hasBuiltin)
            {
                result.AddError(hasCommand
                    ? "Give either --builtin NAME or a command after --, not both."
                    : "Give a command after -- (ep submit -- sh -c 'echo hi'), or --builtin NAME.");
            }
        });
        submit.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var job = new Dictionary<string, object>
            {
                ["command"] = parse.GetValue(builtin) is { } name ? new[] { BuiltinCommand, name } : parse.GetValue(command) ?? [],
                ["env"] = ParseEnv(parse.GetValue(env) ?? []),
            };
            if (parse.GetValue(timeout) is { } seconds)
            {
                job["timeoutSeconds"] = seconds;
            }

            if (parse.GetValue(priority) is { } level)
            {
                job["priority"] = level;
            }

            if (parse.GetValue(maxAttempts) is { } attempts)
            {
                job["maxAttempts"] = attempts;
            }

            if (parse.GetValue(retryOn) is { Length: > 0 } codes)
            {
                job["retryOnExitCodes"] = codes;
            }

            var accepted = await client.SubmitAsync(job, cancellationToken).ConfigureAwait(false);
            var jobId = accepted.GetProperty("jobId").GetString()!;
            await context.Output.WriteLineAsync(jobId).ConfigureAwait(false);
            return parse.GetValue(wait) ? await WaitAsync(context, client, jobId, cancellationToken).ConfigureAwait(false) : 0;
        }));
        return submit;
    }

    private static Dictionary<string, string> ParseEnv(string[] pairs)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw new EpException($"--env '{pair}' is not NAME=VALUE.");
            }

            env[pair[..separator]] = pair[(separator + 1)..];
        }

        return env;
    }

    private static async Task<int> WaitAsync(CliContext context, EpClient client, string jobId, CancellationToken cancellationToken)
    {
        string? lastState = null;
        while (true)
        {
            var job = await client.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
            var state = job.GetProperty("state").GetString();
            if (state != lastState)
            {
                await context.Error.WriteLineAsync($"{jobId} {state}").ConfigureAwait(false);
                lastState = state;
            }

            if (TerminalStates.Contains(state))
            {
                return ExitCodeOf(job, state!);
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static int ExitCodeOf(JsonElement job, string state) => state switch
    {
        "Succeeded" => 0,
        _ when job.TryGetProperty("exitCode", out var code) && code.ValueKind == JsonValueKind.Number && code.GetInt32() != 0 => code.GetInt32(),
        _ => EpCommand.ExitFailure,
    };
}

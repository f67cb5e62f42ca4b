using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Cli.Commands;

internal static class SubmitCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Option<string?>("--file") { Description = "A POST /jobs body (JSON) to submit; - reads it from stdin. The other flags override its fields." };
        var timeout = new Option<int?>("--timeout", "-t") { Description = "Seconds the job may run (1..86400; server default 3600)." };
        var priority = new Option<string?>("--priority", "-p") { Description = "high, normal or low (default normal)." };
        priority.AcceptOnlyFromAmong("high", "normal", "low");
        var env = new Option<string[]>("--env", "-e") { Description = "Environment variable for the job, NAME=VALUE (repeatable)." };
        var labels = new Option<string[]>("--label", "-l") { Description = "A label to find the job by, key:value (repeatable)." };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "Attempts for retryable failures (1..10; default 3)." };
        var retryOn = new Option<int[]>("--retry-on-exit-code") { Description = "An exit code of the command that earns another attempt (repeatable)." };
        var wait = new Option<bool>("--wait", "-w") { Description = "Follow the job until it ends; exit with 0 if it succeeded, else its exit code (or 1)." };
        var builtin = new Option<string?>("--builtin", "-b") { Description = "Run a built-in demo workload instead of a command: " + string.Join(", ", BuiltinWorkloads.Names) + "." };
        builtin.AcceptOnlyFromAmong([.. BuiltinWorkloads.Names]);
        var command = new Argument<string[]>("command")
        {
            Description = "The command to run, after --: ep submit -- sh -c 'echo hi'",
            Arity = ArgumentArity.ZeroOrMore,
        };

        var submit = new Command(
            "submit",
            "Submit a job and print its id (with --output json, the server's answer; with --wait, the ended job).\n"
            + "Example: ep submit --wait --timeout 60 --env NAME=world -- sh -c 'echo hello $NAME'")
        {
            file, timeout, priority, env, labels, maxAttempts, retryOn, wait, builtin, command,
        };
        submit.Validators.Add(result =>
        {
            var hasCommand = result.GetValue(command) is { Length: > 0 };
            var hasBuiltin = result.GetValue(builtin) is not null;
            if (hasCommand && hasBuiltin)
            {
                result.AddError("Give either --builtin NAME or a command after --, not both.");
            }
            else if (!hasCommand && !hasBuiltin && result.GetValue(file) is null)
            {
                result.AddError("Give a command after -- (ep submit -- sh -c 'echo hi'), --builtin NAME, or --file job.json.");
            }
        });
        submit.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            var job = parse.GetValue(file) is { } path ? await ReadJobAsync(path, cancellationToken).ConfigureAwait(false) : [];
            if (parse.GetValue(builtin) is { } name)
            {
                job["command"] = new JsonArray(BuiltinWorkloads.Command, name);
            }
            else if (parse.GetValue(command) is { Length: > 0 } given)
            {
                job["command"] = new JsonArray([.. given.Select(a => JsonValue.Create(a))]);
            }

            Set(job, "timeoutSeconds", parse.GetValue(timeout));
            Set(job, "priority", parse.GetValue(priority));
            Set(job, "maxAttempts", parse.GetValue(maxAttempts));
            if (parse.GetValue(retryOn) is { Length: > 0 } codes)
            {
                job["retryOnExitCodes"] = new JsonArray([.. codes.Select(c => JsonValue.Create(c))]);
            }

            Merge(job, "env", parse.GetValue(env), '=', "--env", "NAME=VALUE");
            Merge(job, "labels", parse.GetValue(labels), ':', "--label", "key:value");

            var accepted = await client.SubmitAsync(job, cancellationToken).ConfigureAwait(false);
            var jobId = accepted.GetProperty("jobId").GetString()!;
            if (parse.GetValue(wait))
            {
                if (!context.Json)
                {
                    await context.Output.WriteLineAsync(jobId).ConfigureAwait(false);
                    await context.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                return await JobFollower.FollowAsync(context, client, jobId, cancellationToken).ConfigureAwait(false);
            }

            await context.WriteAsync(accepted, () => context.Output.WriteLineAsync(jobId)).ConfigureAwait(false);
            return 0;
        }));
        return submit;
    }

    private static async Task<JsonObject> ReadJobAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = path == "-"
                ? await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)
                : await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EpException($"Cannot read {path}: {ex.Message}");
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new EpException($"{path} must hold a JSON object: the POST /jobs body.");
        }
        catch (JsonException ex)
        {
            throw new EpException($"{path} is not valid JSON: {ex.Message}");
        }
    }

    private static void Set<T>(JsonObject job, string name, T? value)
    {
        if (value is not null)
        {
            job[name] = JsonValue.Create(value);
        }
    }

    /// <summary>Adds NAME=VALUE pairs to an object field of the job; a pair given on the command line wins over the file's.</summary>
    private static void Merge(JsonObject job, string field, string[]? pairs, char separator, string flag, string shape)
    {
        if (pairs is not { Length: > 0 })
        {
            return;
        }

        if (job[field] is not JsonObject target)
        {
            target = [];
            job[field] = target;
        }

        foreach (var pair in pairs)
        {
            var at = pair.IndexOf(separator, StringComparison.Ordinal);
            if (at <= 0)
            {
                throw new EpException($"{flag} '{pair}' is not {shape}.");
            }

            target[pair[..at]] = pair[(at + 1)..];
        }
    }
}

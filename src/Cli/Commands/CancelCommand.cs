using System.CommandLine;
using System.Text.Json.Nodes;

namespace EventPlatform.Cli.Commands;

internal static class CancelCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = new Argument<string?>("id") { Description = "The job's id; or give filters instead.", Arity = ArgumentArity.ZeroOrOne };
        var reason = new Option<string?>("--reason") { Description = "Why, for the job's history." };
        var state = new Option<string?>("--state") { Description = "Cancel your jobs in this state (queued, starting, running) instead of one job." };
        var priority = new Option<string?>("--priority") { Description = "... of this priority (high, normal, low)." };
        var labels = new Option<string[]>("--label") { Description = "... with this label, as key:value; repeat to require several.", AllowMultipleArgumentsPerToken = false };
        var after = new Option<string?>("--submitted-after") { Description = "... submitted at or after this ISO 8601 time." };
        var before = new Option<string?>("--submitted-before") { Description = "... submitted before this ISO 8601 time." };
        var user = new Option<string?>("--user") { Description = "... of this user (admin keys only)." };
        var cancel = new Command(
            "cancel",
            "Cancel a job that has not ended (cancelling twice is harmless), or every job of yours that has not ended and matches the filters "
            + "(up to the server's limit a call; run it again while it says more match).\n"
            + "Example: ep cancel <id> --reason \"not needed\"   or   ep cancel --state queued --label team:x")
        {
            jobId, reason, state, priority, labels, after, before, user,
        };
        Option[] filters = [state, priority, labels, after, before, user];
        cancel.Validators.Add(result =>
        {
            var filtered = filters.Any(option => result.GetResult(option) is not null);
            if (result.GetValue(jobId) is null == !filtered)
            {
                result.AddError("Give either a job id or filters (--state, --label ...), not both.");
            }
        });
        cancel.SetAction((parse, cancellationToken) => context.RunAsync(async client =>
        {
            if (parse.GetValue(jobId) is { } id)
            {
                var accepted = await client.CancelAsync(id, parse.GetValue(reason), cancellationToken).ConfigureAwait(false);
                await context.WriteAsync(accepted, () => context.Output.WriteLineAsync($"{id} cancel requested")).ConfigureAwait(false);
                return 0;
            }

            var filter = new JsonObject();
            Add(filter, "state", parse.GetValue(state));
            Add(filter, "priority", parse.GetValue(priority));
            Add(filter, "submittedAfter", parse.GetValue(after));
            Add(filter, "submittedBefore", parse.GetValue(before));
            Add(filter, "user", parse.GetValue(user));
            if (parse.GetValue(labels) is { Length: > 0 } given)
            {
                var label = new JsonObject();
                foreach (var pair in given)
                {
                    var colon = pair.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        throw new EpException($"--label takes key:value, not '{pair}'.");
                    }

                    label[pair[..colon]] = pair[(colon + 1)..];
                }

                filter["label"] = label;
            }

            var body = new JsonObject { ["filter"] = filter, ["reason"] = parse.GetValue(reason) };
            var answer = await client.CancelManyAsync(body, cancellationToken).ConfigureAwait(false);
            await context.WriteAsync(answer, async () =>
            {
                await context.Output.WriteLineAsync($"{answer.GetProperty("requested").GetInt32()} jobs asked to cancel").ConfigureAwait(false);
                foreach (var refused in answer.GetProperty("refused").EnumerateArray())
                {
                    await context.Output.WriteLineAsync($"{refused.GetProperty("jobId").GetString()} refused: {refused.GetProperty("reason").GetString()}").ConfigureAwait(false);
                }

                if (answer.GetProperty("more").GetBoolean())
                {
                    await context.Error.WriteLineAsync("More jobs match: run the same command again.").ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            return 0;
        }));
        return cancel;
    }

    private static void Add(JsonObject filter, string name, string? value)
    {
        if (value is not null)
        {
            filter[name] = value;
        }
    }
}

using System.CommandLine;
using System.Text.Json;
using EventPlatform.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace EventPlatform.Cli;

internal static class EpCommand
{
    public const int ExitFailure = 1;

    public static RootCommand Create(CliContext context) =>
        new(
            "ep: submit jobs to an EventPlatform server and follow them.\n\n"
            + "The server is EP_URL (default " + EpConfig.DefaultUrl + "), your key EP_API_KEY; either may instead come from\n"
            + "$XDG_CONFIG_HOME/ep/config.json or ~/.config/ep/config.json: {\"url\": \"...\", \"apiKey\": \"...\"}.\n"
            + "Every command takes --output json for scripts. Errors are one line on stderr and a non-zero exit code.\n\n"
            + "Examples:\n"
            + "  ep submit --wait -- sh -c 'echo hello'     submit, follow, exit with the job's exit code\n"
            + "  ep submit --file job.json --priority high  submit a POST /jobs body, overriding a field\n"
            + "  ep list --state running --label team:data  your running jobs with that label\n"
            + "  ep watch                                   every change of your jobs as it happens, until Ctrl-C\n"
            + "  ep logs <id> --follow                      the job's output as it runs")
        {
            OutputFormat.Option,
            SubmitCommand.Create(context),
            StatusCommand.Create(context),
            WatchCommand.Create(context),
            ListCommand.Create(context),
            HistoryCommand.Create(context),
            EventsCommand.Create(context),
            LogsCommand.Create(context),
            ResultsCommand.Create(context),
            CancelCommand.Create(context),
            RerunCommand.Create(context),
            StatsCommand.Create(context),
            AdminCommand.Create(context),
            AuditCommand.Create(context),
        };

    /// <summary>Parses, settles the output format for every command, and runs the one asked for.</summary>
    public static Task<int> InvokeAsync(string[] args, CliContext context)
    {
        var parse = Create(context).Parse(args);
        if (parse.Errors.Count == 0)
        {
            context.Format = parse.GetValue(OutputFormat.Option) ?? OutputFormat.Table;
        }

        return parse.InvokeAsync();
    }
}

/// <summary>
/// What every command needs: the server, where to write, and how. <see cref="Interactive"/> is true
/// when both stdout and stderr are a terminal: then tables are drawn and waits show a live line.
/// </summary>
internal sealed record CliContext(Func<EpClient> ClientFactory, TextWriter Output, TextWriter Error)
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public bool Interactive { get; init; }

    public string Format { get; set; } = OutputFormat.Table;

    public bool Json => Format == OutputFormat.Json;

    public Task WriteJsonAsync(JsonElement value) => Output.WriteLineAsync(JsonSerializer.Serialize(value, Indented));

    /// <summary>The API's body as JSON, or what <paramref name="writeForPeople"/> makes of it.</summary>
    public Task WriteAsync(JsonElement body, Func<Task> writeForPeople) => Json ? WriteJsonAsync(body) : writeForPeople();

    /// <summary>Drawn as a table on a terminal; plain columns, one row a line, when piped.</summary>
    public Task WriteTableAsync(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        if (!Interactive)
        {
            return TextTable.WriteAsync(Output, headers, rows);
        }

        var table = new Table().RoundedBorder();
        // Ids and times stay whole on a narrow terminal; the last column (a command, a detail) wraps.
        for (var c = 0; c < headers.Count; c++)
        {
            var column = new TableColumn(new Text(headers[c], new Style(decoration: Decoration.Bold)));
            table.AddColumn(c < headers.Count - 1 ? column.NoWrap() : column);
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => (IRenderable)new Text(cell)));
        }

        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Output) }).Write(table);
        return Task.CompletedTask;
    }

    /// <summary>Runs a command body; a failure it can explain is one line on stderr and exit code 1.</summary>
    public async Task<int> RunAsync(Func<EpClient, Task<int>> body)
    {
        try
        {
            using var client = ClientFactory();
            return await body(client).ConfigureAwait(false);
        }
        catch (EpException ex)
        {
            await Error.WriteLineAsync($"ep: {ex.Message}").ConfigureAwait(false);
            return EpCommand.ExitFailure;
        }
    }
}

using System.CommandLine;
using System.Text.Json;
using EventPlatform.Cli.Commands;

namespace EventPlatform.Cli;

internal static class EpCommand
{
    public const int ExitFailure = 1;

    public static RootCommand Create(Func<EpClient> clientFactory, TextWriter output, TextWriter error)
    {
        var context = new CliContext(clientFactory, output, error);
        return new RootCommand(
            "ep: submit and follow jobs on an EventPlatform server. EP_URL picks the server (default "
            + EpClient.DefaultUrl + "), EP_API_KEY your API key.")
        {
            SubmitCommand.Create(context),
            StatusCommand.Create(context),
            EventsCommand.Create(context),
            CancelCommand.Create(context),
            ResultsCommand.Create(context),
            LogsCommand.Create(context),
            ListCommand.Create(context),
            HistoryCommand.Create(context),
            StatsCommand.Create(context),
            AdminCommand.Create(context),
            AuditCommand.Create(context),
        };
    }
}

/// <summary>What every command needs: the server, and where to write.</summary>
internal sealed record CliContext(Func<EpClient> ClientFactory, TextWriter Output, TextWriter Error)
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public Task WriteJsonAsync(JsonElement value) => Output.WriteLineAsync(JsonSerializer.Serialize(value, Indented));

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

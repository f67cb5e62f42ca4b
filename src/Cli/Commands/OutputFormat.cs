using System.CommandLine;

namespace EventPlatform.Cli.Commands;

/// <summary>
/// <c>--output table</c> for people, <c>--output json</c> for scripts: the API's body as it came, one
/// JSON document on stdout and nothing else. One option on the root, recursive, so every command,
/// including ones added later, takes it without declaring it.
/// </summary>
internal static class OutputFormat
{
    public const string Table = "table";
    public const string Json = "json";

    public static Option<string> Option { get; } = Create();

    private static Option<string> Create()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "table (the default: for people) or json (the API's answer as one JSON document: for scripts).",
            DefaultValueFactory = _ => Table,
            Recursive = true,
        };
        option.AcceptOnlyFromAmong(Table, Json);
        return option;
    }
}

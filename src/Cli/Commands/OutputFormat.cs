using System.CommandLine;

namespace EventPlatform.Cli.Commands;

/// <summary><c>--output table</c> for people, <c>--output json</c> for scripts (the API's body as it came).</summary>
internal static class OutputFormat
{
    public const string Table = "table";
    public const string Json = "json";

    public static Option<string> Create()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "table (the default) or json.",
            DefaultValueFactory = _ => Table,
        };
        option.AcceptOnlyFromAmong(Table, Json);
        return option;
    }
}

namespace EventPlatform.Cli.Commands;

/// <summary>Plain text columns padded to their widest cell; the last column is never padded, so long text wraps naturally.</summary>
internal static class TextTable
{
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        List<IReadOnlyList<string>> lines = [headers, .. rows];
        var widths = Enumerable.Range(0, headers.Count).Select(c => lines.Max(l => l[c].Length)).ToArray();
        foreach (var line in lines)
        {
            var cells = line.Select((cell, c) => c == line.Count - 1 ? cell : cell.PadRight(widths[c]));
            await output.WriteLineAsync(string.Join("  ", cells).TrimEnd()).ConfigureAwait(false);
        }
    }
}

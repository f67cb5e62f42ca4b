namespace EventPlatform.Agent.Session;

/// <summary>A command marks the start of a step by printing a line <c>::step &lt;name&gt;</c>.</summary>
internal static class StepMarker
{
    public const string Prefix = "::step ";

    public static string? Parse(string line)
    {
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var name = line[Prefix.Length..].Trim();
        return name.Length == 0 ? null : name;
    }
}

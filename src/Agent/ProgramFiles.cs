namespace EventPlatform.Agent;

/// <summary>Files of one folder, by name.</summary>
internal sealed record ProgramFiles(string Directory, IReadOnlyList<string> Names)
{
    /// <summary>
    /// The agent's assembly, its runtime configuration and the assemblies its deps.json names: what
    /// <c>dotnet EventPlatform.Agent.dll</c> needs. The folder also holds the host's settings, which stay hidden.
    /// </summary>
    public static ProgramFiles OfAgent()
    {
        var directory = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        var name = typeof(ProgramFiles).Assembly.GetName().Name!;
        var names = new List<string> { $"{name}.dll", $"{name}.deps.json", $"{name}.runtimeconfig.json", name };
        try
        {
            using var deps = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, $"{name}.deps.json")));
            foreach (var library in deps.RootElement.GetProperty("targets").EnumerateObject().SelectMany(target => target.Value.EnumerateObject()))
            {
                if (library.Value.TryGetProperty("runtime", out var runtime))
                {
                    names.AddRange(runtime.EnumerateObject().Select(asset => Path.GetFileName(asset.Name)));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            // No deps.json: the assembly and its configuration are all there is.
        }

        return new ProgramFiles(directory, [.. names.Distinct(StringComparer.Ordinal).Where(n => File.Exists(Path.Combine(directory, n))).Order(StringComparer.Ordinal)]);
    }
}

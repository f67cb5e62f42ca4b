namespace EventPlatform.Host;

/// <summary>The modules one host process runs.</summary>
[Flags]
internal enum PlatformModules
{
    None = 0,
    Api = 1,
    Sagas = 2,
    EcsBridge = 4,
    Projections = 8,
    All = Api | Sagas | EcsBridge | Projections,
}

/// <summary><c>Host:Modules</c>: a comma list of module names, any case; unset means all four (the embedded default).</summary>
internal static class HostModules
{
    public const string Key = "Host:Modules";

    private static readonly Dictionary<string, PlatformModules> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(PlatformModules.Api)] = PlatformModules.Api,
        [nameof(PlatformModules.Sagas)] = PlatformModules.Sagas,
        [nameof(PlatformModules.EcsBridge)] = PlatformModules.EcsBridge,
        [nameof(PlatformModules.Projections)] = PlatformModules.Projections,
    };

    public static PlatformModules From(IConfiguration configuration) => Parse(configuration[Key]);

    public static PlatformModules Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return PlatformModules.All;
        }

        var modules = PlatformModules.None;
        foreach (var name in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            modules |= ByName.TryGetValue(name, out var module)
                ? module
                : throw new HostConfigurationException(
                    $"{Key} names an unknown module '{name}'; the modules are {string.Join(", ", ByName.Keys)}.");
        }

        return modules == PlatformModules.None
            ? throw new HostConfigurationException($"{Key} '{value}' names no module; the modules are {string.Join(", ", ByName.Keys)}.")
            : modules;
    }
}

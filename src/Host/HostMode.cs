namespace EventPlatform.Host;

/// <summary>What one run of the host does.</summary>
internal enum HostMode
{
    /// <summary>Runs its modules until stopped.</summary>
    Serve,

    /// <summary>Brings the database's schema up to this version and exits (docs/adr/0020-a-migration-step.md).</summary>
    Migrate,
}

/// <summary><c>Host:Mode</c> (<c>Serve</c> or <c>Migrate</c>, any case); a first argument <c>migrate</c> means Migrate.</summary>
internal static class HostModes
{
    public const string Key = "Host:Mode";

    public const string MigrateArgument = "migrate";

    public static HostMode From(IConfiguration configuration, IReadOnlyList<string> args) =>
        args is [MigrateArgument, ..]
            ? HostMode.Migrate
            : (configuration[Key] ?? nameof(HostMode.Serve)).ToUpperInvariant() switch
            {
                "SERVE" => HostMode.Serve,
                "MIGRATE" => HostMode.Migrate,
                _ => throw new HostConfigurationException($"{Key} '{configuration[Key]}' is not Serve or Migrate."),
            };
}

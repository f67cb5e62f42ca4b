using System.Globalization;

namespace EventPlatform.Agent;

/// <summary>Reads what the launcher set in the task's environment, and finds the system tools the agent runs the command through.</summary>
internal static class AgentEnvironment
{
    /// <summary>Where the tools are looked for: never on the job's PATH.</summary>
    public static readonly string[] ToolFolders = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

    public static Dictionary<string, string> Current() => Environment.GetEnvironmentVariables()
        .Cast<System.Collections.DictionaryEntry>()
        .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal);

    public static string? FindTool(string name) =>
        ToolFolders.Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);

    public static string? Read(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>A positive whole number, or null when unset.</summary>
    /// <exception cref="SandboxException">Set to anything else: the launcher's mistake.</exception>
    public static int? ReadNumber(IReadOnlyDictionary<string, string> environment, string name)
    {
        if (Read(environment, name) is not { } text)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new SandboxException($"{name} must be a positive whole number, not '{text}'.", CommandRunner.AgentFailure);
    }
}

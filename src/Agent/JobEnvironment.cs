using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using EventPlatform.Agent.Builtins;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Agent;

/// <summary>
/// The command's environment when something runs before it as root (the local sandbox's steps, or
/// setsid and setpriv for <see cref="CommandUser"/>): the job's variables, handed over under
/// <see cref="TaskVariables.JobVariablePrefix"/>, stay inert until a last step, run as the command's
/// uid, sets them; a job's LD_PRELOAD or DOTNET_STARTUP_HOOKS never runs code as root.
/// </summary>
internal static partial class JobEnvironment
{
    /// <summary>The job's variables as a shell script, read by <see cref="LastStep"/>.</summary>
    public const string ScriptVariable = "EP_SANDBOX_JOB_ENV";

    /// <summary>Runs as the command's uid: sets the job's variables, then becomes the command.</summary>
    public const string LastStep = $"eval \"${ScriptVariable}\" || exit 125; unset {ScriptVariable}; exec \"$@\"";

    /// <summary>
    /// All the command gets of the agent's environment, besides the job's own variables. The builtin
    /// variable is how the agent tells its own child it runs a built-in workload.
    /// </summary>
    public static readonly string[] PassedToCommand =
        ["PATH", "HOME", TaskVariables.JobId, TaskVariables.Attempt, TaskVariables.ArtifactsDirectory, BuiltinCommand.ChildVariable];

    /// <summary>Set by the platform; a job's variable of the same name does not replace them.</summary>
    private static readonly string[] PlatformOwned = [TaskVariables.JobId, TaskVariables.Attempt, TaskVariables.ArtifactsDirectory];

    /// <summary>The job's variables the launcher handed over, by name, without the platform's own, in name order.</summary>
    /// <exception cref="SandboxException">A name the last step cannot set.</exception>
    public static List<KeyValuePair<string, string>> Read(IReadOnlyDictionary<string, string> environment)
    {
        var variables = HandedOver(environment)
            .Where(e => !PlatformOwned.Contains(e.Name))
            .Select(e => new KeyValuePair<string, string>(e.Name, e.Value))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToList();
        if (variables.FirstOrDefault(e => !ShellName().IsMatch(e.Key)) is { Key: { } badName })
        {
            throw new SandboxException(
                $"The job's variable '{badName}' cannot be set for the command: a name must be letters, digits and '_', and not start with a digit.",
                CommandRunner.CommandNotRunnable);
        }

        return variables;
    }

    /// <summary>Gives the job's variables their own names, for a command run as the agent itself.</summary>
    public static void NameInPlace(IDictionary<string, string?> environment)
    {
        foreach (var (handedAs, name, value) in HandedOver(environment).ToList())
        {
            environment.Remove(handedAs);
            if (!PlatformOwned.Contains(name))
            {
                environment[name] = value;
            }
        }
    }

    /// <summary>Leaves the command only <see cref="PassedToCommand"/> of the agent's environment, and the job's variables for the last step.</summary>
    public static void KeepForCommand(IDictionary<string, string?> environment, IEnumerable<KeyValuePair<string, string>> jobVariables)
    {
        foreach (var name in environment.Keys.Where(name => !PassedToCommand.Contains(name, StringComparer.Ordinal)).ToList())
        {
            environment.Remove(name);
        }

        environment[ScriptVariable] = ExportScript(jobVariables);
    }

    /// <summary><c>export NAME='value'</c> lines for <see cref="LastStep"/>, quoted so no value is ever read as shell.</summary>
    public static string ExportScript(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var script = new StringBuilder();
        foreach (var (name, value) in variables)
        {
            script.Append("export ").Append(name).Append("='").Append(value.Replace("'", "'\\''", StringComparison.Ordinal)).Append("'\n");
        }

        return script.ToString();
    }

    /// <summary>
    /// The end of the command line: setpriv to <paramref name="uid"/> with no groups, no capabilities and
    /// no way to gain any, then the last step, then the command.
    /// </summary>
    public static IEnumerable<string> AsUser(string setpriv, string shell, int uid, string program, IEnumerable<string> arguments) =>
        [.. DropPrivileges(setpriv, uid), shell, "-c", LastStep, "eventplatform-job", program, .. arguments];

    /// <summary>setpriv's arguments that make what follows <paramref name="uid"/>, with no groups, no capabilities and no way to gain any.</summary>
    public static string[] DropPrivileges(string setpriv, int uid) =>
    [
        setpriv, $"--reuid={uid.ToString(CultureInfo.InvariantCulture)}", $"--regid={uid.ToString(CultureInfo.InvariantCulture)}", "--clear-groups",
        "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--",
    ];

    private static IEnumerable<(string HandedAs, string Name, TValue Value)> HandedOver<TValue>(IEnumerable<KeyValuePair<string, TValue>> environment) =>
        environment
            .Where(e => e.Key.StartsWith(TaskVariables.JobVariablePrefix, StringComparison.Ordinal))
            .Select(e => (e.Key, e.Key[TaskVariables.JobVariablePrefix.Length..], e.Value));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex ShellName();
}

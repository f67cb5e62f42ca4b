using System.Text.Json;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Api.Jobs.Submitting;

/// <summary>
/// The characters a job's command and env take in its task's launch request: ECS counts a RunTask's
/// <c>overrides</c> as JSON text (at most 8,192 characters), and the bridge writes them with the
/// serializer's default escaping, so a quote or a non-ASCII letter takes up to six. Only for storable text.
/// </summary>
internal static class TaskLaunchSize
{
    /// <summary><c>{"name":"","value":""}</c> around each variable, and the comma after it.</summary>
    private const int VariableFrame = 23;

    public static int Characters(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> env)
    {
        // The brackets, and a comma and two quotes per argument.
        var characters = 2 + command.Sum(argument => Escaped(argument) + 3);
        foreach (var (name, value) in env)
        {
            characters += VariableFrame + Escaped(TaskVariables.JobVariablePrefix + name) + Escaped(value);
        }

        return characters;
    }

    private static int Escaped(string text) => JsonEncodedText.Encode(text).Value.Length;
}

using System.Text.RegularExpressions;
using EventPlatform.Api.Http;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Api.Jobs.Submitting;

/// <summary>
/// What a job's env may hold: variables the sandbox and ECS can set under their names, none the
/// platform keeps, within <see cref="SubmissionLimits"/>. A name the task cannot set used to be
/// accepted and fail the job with exit code 127; a blank one stalled the job's saga.
/// </summary>
internal static partial class EnvRules
{
    public const string Message = "env must be an object of string values whose names are non-empty and contain no '='.";

    /// <summary>The first problem in the order given, the count first and the total size last; null when there is none.</summary>
    public static string? Problem(IReadOnlyDictionary<string, string>? env, SubmissionLimits limits)
    {
        if (env is null)
        {
            return null;
        }

        if (env.Count > limits.MaxEnvVariables)
        {
            return $"env may hold at most {limits.MaxEnvVariables} variables; it holds {env.Count}.";
        }

        var total = 0;
        foreach (var (name, value) in env)
        {
            if (value is null || name.Length == 0 || name.Contains('=', StringComparison.Ordinal))
            {
                return Message;
            }

            if (!VariableName().IsMatch(name))
            {
                return $"env name '{StorableText.Shown(name)}' is not a variable name the task can set: "
                    + "use ASCII letters, digits and '_', not starting with a digit.";
            }

            if (TaskVariables.IsReserved(name))
            {
                return $"env name '{name}' is reserved: names starting with {string.Join(" or ", TaskVariables.ReservedPrefixes)} belong to the platform.";
            }

            var valueBytes = StorableText.Utf8Bytes(value);
            if (valueBytes > limits.MaxEnvValueBytes)
            {
                return $"env value of '{name}' takes {valueBytes} bytes; each value may take at most {limits.MaxEnvValueBytes}.";
            }

            total += name.Length + valueBytes;
        }

        return total > limits.MaxEnvBytes
            ? $"env takes {total} bytes (names and values); at most {limits.MaxEnvBytes} fit."
            : null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();
}

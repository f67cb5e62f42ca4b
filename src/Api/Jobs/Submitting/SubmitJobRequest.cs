using System.Text.Json;
using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Api.Jobs.Submitting;

/// <summary>
/// Reads <c>POST /jobs</c> bodies by hand so that every problem is reported against the field
/// that has it, rather than as one opaque binding failure.
/// </summary>
internal static class SubmitJobRequest
{
    public const int MinTimeoutSeconds = 1;
    public const int MaxTimeoutSeconds = 86_400;
    public const int DefaultTimeoutSeconds = 3_600;
    public const int MaxAttempts = 10;
    public const int MaxRetryExitCodes = 32;

    /// <summary>
    /// The platform speaks to the Agent through these (its job, attempt, artifact store, AWS
    /// credentials): a job that set them could point the Agent's signed uploads elsewhere.
    /// </summary>
    public static readonly string[] PlatformPrefixes = ["EP_", "AWS_"];

    public static bool IsPlatformVariable(string name) =>
        PlatformPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
    public const int MaxLabels = 20;
    public const int MaxLabelKeyLength = 63;
    public const int MaxLabelValueLength = 256;

    public static (JobSpec? Spec, Dictionary<string, string[]> Errors) Parse(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["$"] = ["The body must be a JSON object."];
            return (null, errors);
        }

        var command = ReadCommand(body, errors);
        var timeout = ReadTimeout(body, errors);
        var priority = ReadPriority(body, errors);
        var env = ReadEnv(body, errors);
        var maxAttempts = ReadMaxAttempts(body, errors);
        var retryOnExitCodes = ReadRetryOnExitCodes(body, errors);
        var limits = ReadLimits(body, errors);
        var labels = ReadLabels(body, errors);
        return errors.Count == 0
            ? (new JobSpec(command!, timeout, priority, env!) { MaxAttempts = maxAttempts, RetryOnExitCodes = retryOnExitCodes!, Limits = limits!, Labels = labels! }, errors)
            : (null, errors);
    }

    private static string[]? ReadCommand(JsonElement body, Dictionary<string, string[]> errors)
    {
        const string message = "command must be a non-empty array of strings whose first item names the program.";
        if (!body.TryGetProperty("command", out var value) || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            errors["command"] = [message];
            return null;
        }

        var items = value.EnumerateArray().ToArray();
        if (items.Any(i => i.ValueKind != JsonValueKind.String) || string.IsNullOrWhiteSpace(items[0].GetString()))
        {
            errors["command"] = [message];
            return null;
        }

        return [.. items.Select(i => i.GetString()!)];
    }

    private static int ReadTimeout(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("timeoutSeconds", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return DefaultTimeoutSeconds;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var seconds) && seconds is >= MinTimeoutSeconds and <= MaxTimeoutSeconds)
        {
            return seconds;
        }

        errors["timeoutSeconds"] = [$"timeoutSeconds must be a whole number from {MinTimeoutSeconds} to {MaxTimeoutSeconds}."];
        return 0;
    }

    private static JobPriority ReadPriority(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("priority", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return JobPriority.Normal;
        }

        switch (value.ValueKind == JsonValueKind.String ? value.GetString() : null)
        {
            case "high":
                return JobPriority.High;
            case "normal":
                return JobPriority.Normal;
            case "low":
                return JobPriority.Low;
            default:
                errors["priority"] = ["priority must be one of \"high\", \"normal\", \"low\"."];
                return JobPriority.Normal;
        }
    }

    private static int ReadMaxAttempts(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("maxAttempts", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return JobSpec.DefaultMaxAttempts;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var attempts) && attempts is >= 1 and <= MaxAttempts)
        {
            return attempts;
        }

        errors["maxAttempts"] = [$"maxAttempts must be a whole number from 1 to {MaxAttempts}."];
        return 0;
    }

    private static int[]? ReadRetryOnExitCodes(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("retryOnExitCodes", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind == JsonValueKind.Array
            && value.GetArrayLength() <= MaxRetryExitCodes
            && value.EnumerateArray().All(c => c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var code) && code is >= 1 and <= 255))
        {
            return [.. value.EnumerateArray().Select(c => c.GetInt32()).Distinct()];
        }

        errors["retryOnExitCodes"] = [$"retryOnExitCodes must be an array of at most {MaxRetryExitCodes} exit codes from 1 to 255."];
        return null;
    }

    /// <summary>Each limit is optional; the ranges are what a Fargate task and a local sandbox can honour.</summary>
    private static JobLimits? ReadLimits(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("limits", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return JobLimits.Default;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors["limits"] = ["limits must be an object such as {\"cpu\": 512, \"memoryMiB\": 1024}."];
            return null;
        }

        var limits = JobLimits.Default;
        limits = ReadLimit(value, "cpu", 128, 16_384, errors) is { } cpu ? limits with { Cpu = cpu } : limits;
        limits = ReadLimit(value, "memoryMiB", 64, 122_880, errors) is { } memory ? limits with { MemoryMiB = memory } : limits;
        limits = ReadLimit(value, "cpuSeconds", 1, 86_400, errors) is { } cpuSeconds ? limits with { CpuSeconds = cpuSeconds } : limits;
        limits = ReadLimit(value, "maxProcesses", 1, 32_768, errors) is { } processes ? limits with { MaxProcesses = processes } : limits;
        limits = ReadLimit(value, "maxOpenFiles", 16, 65_536, errors) is { } files ? limits with { MaxOpenFiles = files } : limits;
        return limits;
    }

    private static int? ReadLimit(JsonElement limits, string name, int min, int max, Dictionary<string, string[]> errors)
    {
        if (!limits.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
        {
            return number;
        }

        errors[$"limits.{name}"] = [$"limits.{name} must be a whole number from {min} to {max}."];
        return null;
    }

    private static Dictionary<string, string>? ReadEnv(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("env", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        const string message = "env must be an object of string values whose names are non-empty and contain no '='.";
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors["env"] = [message];
            return null;
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String || property.Name.Length == 0 || property.Name.Contains('=', StringComparison.Ordinal))
            {
                errors["env"] = [message];
                return null;
            }

            if (IsPlatformVariable(property.Name))
            {
                errors["env"] = [$"env name '{property.Name}' is reserved: names starting with {string.Join(" or ", PlatformPrefixes)} belong to the platform."];
                return null;
            }

            env[property.Name] = property.Value.GetString()!;
        }

        return env;
    }

    /// <summary>A key holds no ':' so that <c>label=key:value</c> filters split unambiguously.</summary>
    private static Dictionary<string, string>? ReadLabels(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty("labels", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        var message = $"labels must be an object of at most {MaxLabels} string values (at most {MaxLabelValueLength} characters) "
            + $"whose keys are 1 to {MaxLabelKeyLength} characters without ':'.";
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors["labels"] = [message];
            return null;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String
                || property.Name.Length is 0 or > MaxLabelKeyLength
                || property.Name.Contains(':', StringComparison.Ordinal)
                || property.Value.GetString()!.Length > MaxLabelValueLength)
            {
                errors["labels"] = [message];
                return null;
            }

            labels[property.Name] = property.Value.GetString()!;
        }

        if (labels.Count > MaxLabels)
        {
            errors["labels"] = [message];
            return null;
        }

        return labels;
    }
}

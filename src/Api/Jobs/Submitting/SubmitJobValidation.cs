using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using EventPlatform.Api.Http;
using EventPlatform.Contracts.Agent;

namespace EventPlatform.Api.Jobs.Submitting;

/// <summary>
/// Checks a <c>POST /jobs</c> request and names every problem against its field, so that one 400
/// lists them all. A value of the wrong type reads to the caller as any other bad value of that field.
/// </summary>
internal static class SubmitJobValidation
{
    private const int MaxRetryExitCodes = 32;
    private const int MaxLabels = 20;
    private const int MaxLabelKeyLength = 63;
    private const int MaxLabelValueLength = 256;

    private const string CommandMessage = "command must be a non-empty array of strings whose first item names the program.";
    private const string PriorityMessage = "priority must be one of \"high\", \"normal\", \"low\".";
    private const string EnvMessage = "env must be an object of string values whose names are non-empty and contain no '='.";
    private const string LimitsMessage = "limits must be an object such as {\"cpu\": 512, \"memoryMiB\": 1024}.";

    private static readonly string RetryMessage =
        $"retryOnExitCodes must be an array of at most {MaxRetryExitCodes} exit codes from 1 to 255.";

    private static readonly string LabelsMessage =
        $"labels must be an object of at most {MaxLabels} string values (at most {MaxLabelValueLength} characters) "
        + $"whose keys are 1 to {MaxLabelKeyLength} characters without ':'.";

    /// <summary>Reads the body as JSON and checks it with <see cref="Validate"/>; a body that is not JSON at all is refused as a whole.</summary>
    public static async Task<(SubmitJobBody? Body, Dictionary<string, string[]> Errors)> ReadAsync(
        Stream body, string idempotencyKey, CancellationToken cancellationToken)
    {
        JsonElement json;
        try
        {
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            json = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return (null, new Dictionary<string, string[]> { [ex.Path ?? "$"] = [$"The body is not valid JSON: {ex.Message}"] });
        }

        return Validate(json, idempotencyKey);
    }

    /// <summary>The body when it and the <c>Idempotency-Key</c> (empty for none) are valid; else no body, and every problem.</summary>
    public static (SubmitJobBody? Body, Dictionary<string, string[]> Errors) Validate(JsonElement json, string idempotencyKey)
    {
        var errors = new Dictionary<string, string[]>();
        SubmitJobBody? body = null;
        if (json.ValueKind == JsonValueKind.Object)
        {
            var fields = new JsonFields(json);
            body = SubmitJobBody.From(fields);
            Check(body, fields.Unreadable, errors);
        }
        else
        {
            errors["$"] = ["The body must be a JSON object."];
        }

        if (idempotencyKey.Length > IdempotentSubmission.MaxKeyLength)
        {
            errors[IdempotentSubmission.Header] = [$"{IdempotentSubmission.Header} must be at most {IdempotentSubmission.MaxKeyLength} characters."];
        }

        return (errors.Count == 0 ? body : null, errors);
    }

    private static void Check(SubmitJobBody body, IReadOnlySet<string> unreadable, Dictionary<string, string[]> errors)
    {
        void Report(string field, string? problem)
        {
            if (problem is not null)
            {
                errors[field] = [problem];
            }
        }

        void Require(string field, bool valid, string message) => Report(field, valid && !unreadable.Contains(field) ? null : message);

        void WholeNumber(string field, int? value, RangeAttribute range) =>
            Require(field, value is null || range.IsValid(value), $"{field} must be a whole number from {range.Minimum} to {range.Maximum}.");

        Require(
            "command",
            body.Command is [{ } program, ..] && !string.IsNullOrWhiteSpace(program) && body.Command.All(argument => argument is not null),
            CommandMessage);
        WholeNumber("timeoutSeconds", body.TimeoutSeconds, RangeOf<SubmitJobBody>(nameof(body.TimeoutSeconds)));
        Require("priority", body.Priority is null or "high" or "normal" or "low", PriorityMessage);
        Report("env", unreadable.Contains("env") ? EnvMessage : EnvProblem(body.Env));
        WholeNumber("maxAttempts", body.MaxAttempts, RangeOf<SubmitJobBody>(nameof(body.MaxAttempts)));
        Require(
            "retryOnExitCodes",
            body.RetryOnExitCodes is null || (body.RetryOnExitCodes.Count <= MaxRetryExitCodes && body.RetryOnExitCodes.All(code => code is >= 1 and <= 255)),
            RetryMessage);
        Report("limits", unreadable.Contains("limits") ? LimitsMessage : null);
        var limits = body.Limits ?? new SubmitJobLimits();
        foreach (var limit in typeof(SubmitJobLimits).GetProperties())
        {
            WholeNumber($"limits.{JsonNamingPolicy.CamelCase.ConvertName(limit.Name)}", (int?)limit.GetValue(limits), RangeOf<SubmitJobLimits>(limit.Name));
        }

        Require("labels", body.Labels is null || (body.Labels.Count <= MaxLabels && body.Labels.All(IsLabel)), LabelsMessage);
    }

    /// <summary>The range the API description shows for a property, from its <c>[Range]</c>: the one enforced.</summary>
    private static RangeAttribute RangeOf<T>(string property) => typeof(T).GetProperty(property)!.GetCustomAttribute<RangeAttribute>()!;

    /// <summary>The first problem in the order given: a malformed entry, or a name the platform keeps for its talk with the Agent.</summary>
    private static string? EnvProblem(IReadOnlyDictionary<string, string>? env)
    {
        foreach (var (name, value) in env ?? new Dictionary<string, string>())
        {
            if (value is null || name.Length == 0 || name.Contains('=', StringComparison.Ordinal))
            {
                return EnvMessage;
            }

            if (TaskVariables.IsReserved(name))
            {
                return $"env name '{name}' is reserved: names starting with {string.Join(" or ", TaskVariables.ReservedPrefixes)} belong to the platform.";
            }
        }

        return null;
    }

    /// <summary>A key holds no ':' so that <c>label=key:value</c> filters split unambiguously.</summary>
    private static bool IsLabel(KeyValuePair<string, string> label) =>
        label.Value is not null
        && label.Key.Length is > 0 and <= MaxLabelKeyLength
        && !label.Key.Contains(':', StringComparison.Ordinal)
        && label.Value.Length <= MaxLabelValueLength;
}

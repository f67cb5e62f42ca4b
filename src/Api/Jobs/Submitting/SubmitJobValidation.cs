using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using EventPlatform.Api.Http;

namespace EventPlatform.Api.Jobs.Submitting;

/// <summary>
/// Checks a <c>POST /jobs</c> request and names every problem against its field, so that one 400
/// lists them all. A value of the wrong type reads to the caller as any other bad value of that field.
/// What is accepted can be stored, launched and run: sizes stay within <see cref="SubmissionLimits"/>.
/// </summary>
internal static class SubmitJobValidation
{
    private const int MaxRetryExitCodes = 32;

    private const string CommandMessage = "command must be a non-empty array of strings whose first item names the program.";
    private const string PriorityMessage = "priority must be one of \"high\", \"normal\", \"low\".";
    private const string LimitsMessage = "limits must be an object such as {\"cpu\": 512, \"memoryMiB\": 1024}.";

    private static readonly string RetryMessage =
        $"retryOnExitCodes must be an array of at most {MaxRetryExitCodes} exit codes from 1 to 255.";

    private static readonly SubmissionLimits Defaults = new();

    /// <summary>Reads the body as JSON and checks it with <see cref="Validate"/>; a body that is not JSON at all is refused as a whole.</summary>
    public static async Task<(SubmitJobBody? Body, Dictionary<string, string[]> Errors)> ReadAsync(
        Stream body, string idempotencyKey, SubmissionLimits limits, CancellationToken cancellationToken)
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

        return Validate(json, idempotencyKey, limits);
    }

    /// <summary>The body when it and the <c>Idempotency-Key</c> (empty for none) are valid; else no body, and every problem.</summary>
    public static (SubmitJobBody? Body, Dictionary<string, string[]> Errors) Validate(JsonElement json, string idempotencyKey, SubmissionLimits? limits = null)
    {
        var errors = new Dictionary<string, string[]>();
        SubmitJobBody? body = null;
        if (json.ValueKind == JsonValueKind.Object)
        {
            var fields = new JsonFields(json);
            body = SubmitJobBody.From(fields);
            Check(body, fields, limits ?? Defaults, errors);
        }
        else
        {
            errors["$"] = ["The body must be a JSON object."];
        }

        if (idempotencyKey.Length > IdempotentSubmission.MaxKeyLength)
        {
            errors[IdempotentSubmission.Header] = [$"{IdempotentSubmission.Header} must be at most {IdempotentSubmission.MaxKeyLength} characters."];
        }
        else if (!idempotencyKey.All(c => c is >= ' ' and <= '~'))
        {
            errors[IdempotentSubmission.Header] = [$"{IdempotentSubmission.Header} must be printable ASCII, without control characters."];
        }

        return (errors.Count == 0 ? body : null, errors);
    }

    private static void Check(SubmitJobBody body, JsonFields fields, SubmissionLimits limits, Dictionary<string, string[]> errors)
    {
        var unreadable = fields.Unreadable;

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
        var commandBytes = body.Command.Sum(argument => argument is null ? 0 : StorableText.Utf8Bytes(argument));
        if (!errors.ContainsKey("command") && commandBytes > limits.MaxCommandBytes)
        {
            Report("command", $"command takes {commandBytes} bytes (all arguments together); at most {limits.MaxCommandBytes} fit.");
        }

        WholeNumber("timeoutSeconds", body.TimeoutSeconds, RangeOf<SubmitJobBody>(nameof(body.TimeoutSeconds)));
        Require("priority", body.Priority is null or "high" or "normal" or "low", PriorityMessage);
        Report("env", unreadable.Contains("env") ? EnvRules.Message : EnvRules.Problem(body.Env, limits));
        WholeNumber("maxAttempts", body.MaxAttempts, RangeOf<SubmitJobBody>(nameof(body.MaxAttempts)));
        Require(
            "retryOnExitCodes",
            body.RetryOnExitCodes is null || (body.RetryOnExitCodes.Count <= MaxRetryExitCodes && body.RetryOnExitCodes.All(code => code is >= 1 and <= 255)),
            RetryMessage);
        Report("limits", unreadable.Contains("limits") ? LimitsMessage : null);
        var resources = body.Limits ?? new SubmitJobLimits();
        foreach (var limit in typeof(SubmitJobLimits).GetProperties())
        {
            WholeNumber($"limits.{JsonNamingPolicy.CamelCase.ConvertName(limit.Name)}", (int?)limit.GetValue(resources), RangeOf<SubmitJobLimits>(limit.Name));
        }

        Report("labels", unreadable.Contains("labels") ? LabelRules.Message(limits) : LabelRules.Problem(body.Labels, limits));
        foreach (var field in fields.Unstorable)
        {
            errors[field] = [$"{field} must hold text with {StorableText.Rule}."];
        }

        CheckLaunchSize(body, limits, errors);
    }

    /// <summary>Command and env fill the task's overrides together, so they are measured together once each is valid on its own.</summary>
    private static void CheckLaunchSize(SubmitJobBody body, SubmissionLimits limits, Dictionary<string, string[]> errors)
    {
        if (errors.ContainsKey("command") || errors.ContainsKey("env"))
        {
            return;
        }

        var env = body.Env ?? new Dictionary<string, string>();
        var characters = TaskLaunchSize.Characters(body.Command, env);
        if (characters <= limits.MaxLaunchCharacters)
        {
            return;
        }

        string[] problem =
        [
            $"command and env take {characters} characters in the task's launch request; at most {limits.MaxLaunchCharacters} fit "
            + "(ECS allows 8192 for a task's overrides, the platform's own variables included; a quote, a backslash, a control "
            + "character, a non-ASCII character or one of <>&'+` takes up to 6).",
        ];
        errors["command"] = problem;
        if (env.Count > 0)
        {
            errors["env"] = problem;
        }
    }

    /// <summary>The range the API description shows for a property, from its <c>[Range]</c>: the one enforced.</summary>
    private static RangeAttribute RangeOf<T>(string property) => typeof(T).GetProperty(property)!.GetCustomAttribute<RangeAttribute>()!;
}

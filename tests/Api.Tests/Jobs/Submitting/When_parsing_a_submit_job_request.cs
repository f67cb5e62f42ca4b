using System.Text.Json;
using EventPlatform.Api.Jobs.Submitting;
using EventPlatform.Contracts.Jobs;

namespace EventPlatform.Api.Tests.Jobs.Submitting;

public class When_parsing_a_submit_job_request
{
    private const string CommandError = "command must be a non-empty array of strings whose first item names the program.";
    private const string TimeoutError = "timeoutSeconds must be a whole number from 1 to 86400.";
    private const string PriorityError = "priority must be one of \"high\", \"normal\", \"low\".";
    private const string EnvError = "env must be an object of string values whose names are non-empty and contain no '='.";

    private static (JobSpec? Spec, Dictionary<string, string[]> Errors) Parse(string body, string idempotencyKey = "")
    {
        var (request, errors) = SubmitJobValidation.Validate(JsonSerializer.Deserialize<JsonElement>(body), idempotencyKey);
        return (request?.ToSpec(), errors);
    }

    private static JobSpec ParseValid(string body)
    {
        var (spec, errors) = Parse(body);
        Assert.That(errors, Is.Empty);
        Assert.That(spec, Is.Not.Null);
        return spec!;
    }

    [Test]
    public void Should_default_timeout_priority_and_env_when_only_the_command_is_given()
    {
        var spec = ParseValid("""{ "command": ["echo", "hello world"] }""");

        Assert.That(spec.Command, Is.EqualTo(new[] { "echo", "hello world" }));
        Assert.That(spec.TimeoutSeconds, Is.EqualTo(3600));
        Assert.That(spec.Priority, Is.EqualTo(JobPriority.Normal));
        Assert.That(spec.Env, Is.Empty);
    }

    [Test]
    public void Should_default_the_optional_fields_that_are_null()
    {
        var spec = ParseValid("""{ "command": ["true"], "timeoutSeconds": null, "priority": null, "env": null }""");

        Assert.That(spec.TimeoutSeconds, Is.EqualTo(SubmitJobBody.DefaultTimeoutSeconds));
        Assert.That(spec.Priority, Is.EqualTo(JobPriority.Normal));
        Assert.That(spec.Env, Is.Empty);
    }

    [Test]
    public void Should_read_every_field_of_a_full_request()
    {
        var spec = ParseValid("""
            {
              "command": ["python3", "-c", "print('hi')", ""],
              "timeoutSeconds": 120,
              "priority": "high",
              "env": { "STAGE": "test", "EMPTY": "", "GREETING": "a=b c" }
            }
            """);

        Assert.That(spec.Command, Is.EqualTo(new[] { "python3", "-c", "print('hi')", "" }));
        Assert.That(spec.TimeoutSeconds, Is.EqualTo(120));
        Assert.That(spec.Priority, Is.EqualTo(JobPriority.High));
        Assert.That(spec.Env, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["STAGE"] = "test",
            ["EMPTY"] = string.Empty,
            ["GREETING"] = "a=b c",
        }));
    }

    [TestCase(1)]
    [TestCase(86400)]
    public void Should_accept_the_timeout_bounds(int timeoutSeconds)
    {
        var spec = ParseValid($$"""{ "command": ["true"], "timeoutSeconds": {{timeoutSeconds}} }""");

        Assert.That(spec.TimeoutSeconds, Is.EqualTo(timeoutSeconds));
    }

    [TestCase("high", JobPriority.High)]
    [TestCase("normal", JobPriority.Normal)]
    [TestCase("low", JobPriority.Low)]
    public void Should_read_each_priority(string priority, JobPriority expected)
    {
        var spec = ParseValid($$"""{ "command": ["true"], "priority": "{{priority}}" }""");

        Assert.That(spec.Priority, Is.EqualTo(expected));
    }

    [TestCase("""{ "timeoutSeconds": 10 }""", TestName = "Should_reject_a_missing_command")]
    [TestCase("""{ "command": null }""", TestName = "Should_reject_a_null_command")]
    [TestCase("""{ "command": [] }""", TestName = "Should_reject_an_empty_command")]
    [TestCase("""{ "command": "echo hi" }""", TestName = "Should_reject_a_command_that_is_a_string")]
    [TestCase("""{ "command": [1, 2] }""", TestName = "Should_reject_a_command_of_numbers")]
    [TestCase("""{ "command": ["echo", 2] }""", TestName = "Should_reject_a_command_with_a_non_string_argument")]
    [TestCase("""{ "command": ["echo", null] }""", TestName = "Should_reject_a_command_with_a_null_argument")]
    [TestCase("""{ "command": [""] }""", TestName = "Should_reject_a_command_whose_program_is_empty")]
    [TestCase("""{ "command": ["   ", "hi"] }""", TestName = "Should_reject_a_command_whose_program_is_blank")]
    public void Should_reject_a_command_that_is_not_a_non_empty_array_of_strings(string body)
    {
        AssertOnlyError(body, "command", CommandError);
    }

    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("86401")]
    [TestCase("1.5")]
    [TestCase("\"10\"")]
    [TestCase("true")]
    [TestCase("4294967296")]
    public void Should_reject_a_timeout_that_is_not_a_whole_number_of_seconds_from_1_to_86400(string timeoutSeconds)
    {
        AssertOnlyError($$"""{ "command": ["true"], "timeoutSeconds": {{timeoutSeconds}} }""", "timeoutSeconds", TimeoutError);
    }

    [TestCase("\"urgent\"")]
    [TestCase("\"HIGH\"")]
    [TestCase("\"\"")]
    [TestCase("5")]
    [TestCase("[\"high\"]")]
    public void Should_reject_a_priority_that_is_not_high_normal_or_low(string priority)
    {
        AssertOnlyError($$"""{ "command": ["true"], "priority": {{priority}} }""", "priority", PriorityError);
    }

    [TestCase("""["A=1"]""")]
    [TestCase("\"A=1\"")]
    [TestCase("""{ "A": 1 }""")]
    [TestCase("""{ "A": "1", "B": true }""")]
    [TestCase("""{ "A": null }""")]
    [TestCase("""{ "A": { "nested": "x" } }""")]
    [TestCase("""{ "": "x" }""")]
    [TestCase("""{ "A=B": "x" }""")]
    public void Should_reject_env_that_is_not_an_object_of_string_values(string env)
    {
        AssertOnlyError($$"""{ "command": ["true"], "env": {{env}} }""", "env", EnvError);
    }

    [Test]
    public void Should_report_every_bad_field_together()
    {
        var (spec, errors) = Parse("""{ "command": [], "timeoutSeconds": 0, "priority": "urgent", "env": [] }""");

        Assert.That(spec, Is.Null);
        Assert.That(errors, Is.EqualTo(new Dictionary<string, string[]>
        {
            ["command"] = [CommandError],
            ["timeoutSeconds"] = [TimeoutError],
            ["priority"] = [PriorityError],
            ["env"] = [EnvError],
        }));
    }

    [Test]
    public void Should_report_only_the_bad_fields_when_others_are_valid()
    {
        var (spec, errors) = Parse("""{ "command": ["true"], "timeoutSeconds": 1.5, "priority": "low", "env": { "A": 1 } }""");

        Assert.That(spec, Is.Null);
        Assert.That(errors, Is.EqualTo(new Dictionary<string, string[]>
        {
            ["timeoutSeconds"] = [TimeoutError],
            ["env"] = [EnvError],
        }));
    }

    [Test]
    public void Should_name_each_field_whose_value_has_the_wrong_type_beside_the_ones_out_of_range()
    {
        var (spec, errors) = Parse("""
            {
              "command": "echo hi",
              "timeoutSeconds": "10",
              "retryOnExitCodes": [null],
              "limits": { "cpu": "1", "memoryMiB": 1, "maxProcesses": 64 },
              "labels": { "team": ["data"] }
            }
            """);

        Assert.That(spec, Is.Null);
        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "command", "timeoutSeconds", "retryOnExitCodes", "limits.cpu", "limits.memoryMiB", "labels" }));
        Assert.That(errors["limits.cpu"], Is.EqualTo(new[] { "limits.cpu must be a whole number from 128 to 16384." }));
    }

    [Test]
    public void Should_read_field_names_as_written()
    {
        AssertOnlyError("""{ "Command": ["true"] }""", "command", CommandError);
    }

    [Test]
    public void Should_name_an_idempotency_key_over_200_characters_beside_the_bad_fields()
    {
        var (spec, errors) = Parse("""{ "command": [] }""", idempotencyKey: new string('k', 201));

        Assert.That(spec, Is.Null);
        Assert.That(errors, Is.EqualTo(new Dictionary<string, string[]>
        {
            ["command"] = [CommandError],
            ["Idempotency-Key"] = ["Idempotency-Key must be at most 200 characters."],
        }));
    }

    [TestCase("""["echo", "hi"]""")]
    [TestCase("\"echo hi\"")]
    [TestCase("42")]
    [TestCase("null")]
    public void Should_reject_a_body_that_is_not_an_object(string body)
    {
        AssertOnlyError(body, "$", "The body must be a JSON object.");
    }

    [Test]
    public void Should_default_to_three_attempts_and_no_retryable_exit_codes()
    {
        var spec = ParseValid("""{ "command": ["true"] }""");

        Assert.That(spec.MaxAttempts, Is.EqualTo(3));
        Assert.That(spec.RetryOnExitCodes, Is.Empty);
    }

    [Test]
    public void Should_read_the_retry_policy_of_the_job()
    {
        var spec = ParseValid("""{ "command": ["true"], "maxAttempts": 10, "retryOnExitCodes": [75, 1, 75, 255] }""");

        Assert.That(spec.MaxAttempts, Is.EqualTo(10));
        Assert.That(spec.RetryOnExitCodes, Is.EqualTo(new[] { 75, 1, 255 }));
    }

    [TestCase("0")]
    [TestCase("11")]
    [TestCase("2.5")]
    [TestCase("\"3\"")]
    public void Should_reject_max_attempts_outside_1_to_10(string value) =>
        AssertOnlyError($$"""{ "command": ["true"], "maxAttempts": {{value}} }""", "maxAttempts", "maxAttempts must be a whole number from 1 to 10.");

    [TestCase("[0]")]
    [TestCase("[256]")]
    [TestCase("[\"4\"]")]
    [TestCase("4")]
    [TestCase("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33]")]
    public void Should_reject_retry_exit_codes_that_are_not_a_short_list_of_1_to_255(string value) =>
        AssertOnlyError(
            $$"""{ "command": ["true"], "retryOnExitCodes": {{value}} }""",
            "retryOnExitCodes",
            "retryOnExitCodes must be an array of at most 32 exit codes from 1 to 255.");

    [Test]
    public void Should_default_the_limits_and_read_the_ones_given()
    {
        var defaults = ParseValid("""{ "command": ["true"] }""").Limits;
        var given = ParseValid("""{ "command": ["true"], "limits": { "cpu": 1024, "memoryMiB": 2048, "cpuSeconds": 30, "maxProcesses": 64, "maxOpenFiles": 256 } }""").Limits;

        Assert.That(defaults, Is.EqualTo(JobLimits.Default));
        Assert.That(given, Is.EqualTo(new JobLimits { Cpu = 1024, MemoryMiB = 2048, CpuSeconds = 30, MaxProcesses = 64, MaxOpenFiles = 256 }));
    }

    [TestCase("memoryMiB", "63", "limits.memoryMiB must be a whole number from 64 to 122880.")]
    [TestCase("cpu", "\"1\"", "limits.cpu must be a whole number from 128 to 16384.")]
    [TestCase("maxProcesses", "0", "limits.maxProcesses must be a whole number from 1 to 32768.")]
    [TestCase("cpuSeconds", "1.5", "limits.cpuSeconds must be a whole number from 1 to 86400.")]
    [TestCase("maxOpenFiles", "8", "limits.maxOpenFiles must be a whole number from 16 to 65536.")]
    public void Should_name_the_limit_that_is_out_of_range(string limit, string value, string message) =>
        AssertOnlyError($$"""{ "command": ["true"], "limits": { "{{limit}}": {{value}} } }""", $"limits.{limit}", message);

    [Test]
    public void Should_reject_limits_that_are_not_an_object() =>
        AssertOnlyError("""{ "command": ["true"], "limits": 512 }""", "limits", "limits must be an object such as {\"cpu\": 512, \"memoryMiB\": 1024}.");

    [TestCase("EP_S3_SERVICE_URL")]
    [TestCase("ep_artifacts_bucket")]
    [TestCase("AWS_SECRET_ACCESS_KEY")]
    public void Should_refuse_env_names_the_platform_owns(string name) =>
        AssertOnlyError(
            $$"""{ "command": ["true"], "env": { "{{name}}": "x" } }""",
            "env",
            $"env name '{name}' is reserved: names starting with EP_ or AWS_ belong to the platform.");

    private static void AssertOnlyError(string body, string field, string message)
    {
        var (spec, errors) = Parse(body);

        Assert.That(spec, Is.Null);
        Assert.That(errors, Is.EqualTo(new Dictionary<string, string[]> { [field] = [message] }));
    }
}

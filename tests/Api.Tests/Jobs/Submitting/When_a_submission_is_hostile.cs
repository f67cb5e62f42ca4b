using System.Text.Json;
using EventPlatform.Api.Jobs.Submitting;

namespace EventPlatform.Api.Tests.Jobs.Submitting;

/// <summary>What a hostile user sent to the embedded default (issue 12): each is refused, named against its field, in one 400.</summary>
public class When_a_submission_is_hostile
{
    private const string TextRule = "must hold text with no NUL character and no unpaired surrogate.";

    [TestCase(" ")]
    [TestCase("\\u2028")]
    [TestCase("\\u0085")]
    [TestCase("A B")]
    [TestCase("$(id)")]
    [TestCase("1ST")]
    [TestCase("caf\\u00e9")]
    public void Should_refuse_an_env_name_the_sandbox_cannot_set(string name)
    {
        var errors = Errors($$"""{ "command": ["true"], "env": { "{{name}}": "x" } }""");

        Assert.That(errors.Keys, Is.EqualTo(new[] { "env" }));
        Assert.That(errors["env"].Single(), Does.StartWith("env name '").And.EndWith("is not a variable name the task can set: use ASCII letters, digits and '_', not starting with a digit."));
    }

    [TestCase("_")]
    [TestCase("a")]
    [TestCase("Path_2")]
    public void Should_accept_a_variable_name(string name) =>
        Assert.That(Errors($$"""{ "command": ["true"], "env": { "{{name}}": "x" } }"""), Is.Empty);

    [TestCase(" ", "' '")]
    [TestCase("\\u2028", "'\\u2028'")]
    [TestCase("\\u0085", "'\\u0085'")]
    [TestCase("team\\tb", "'team\\u0009b'")]
    public void Should_refuse_a_blank_label_key_or_one_with_a_control_character(string key, string shown)
    {
        var errors = Errors($$"""{ "command": ["true"], "labels": { "{{key}}": "x" } }""");

        Assert.That(errors, Is.EqualTo(new Dictionary<string, string[]>
        {
            ["labels"] = [$"labels key {shown} must hold a visible character and no control character or line break."],
        }));
    }

    [TestCase("""{ "command": ["echo", "a\u0000b"] }""", "command")]
    [TestCase("""{ "command": ["echo", "\ud800"] }""", "command")]
    [TestCase("""{ "command": ["echo\udc00"] }""", "command")]
    [TestCase("""{ "command": ["true"], "env": { "A": "\u0000" } }""", "env")]
    [TestCase("""{ "command": ["true"], "env": { "\ud83d": "x" } }""", "env")]
    [TestCase("""{ "command": ["true"], "labels": { "team": "\u0000" } }""", "labels")]
    [TestCase("""{ "command": ["true"], "labels": { "\udc00": "x" } }""", "labels")]
    [TestCase("""{ "command": ["true"], "priority": "hi\u0000gh" }""", "priority")]
    public void Should_refuse_a_nul_or_an_unpaired_surrogate_in_any_field(string body, string field) =>
        Assert.That(Errors(body), Is.EqualTo(new Dictionary<string, string[]> { [field] = [$"{field} {TextRule}"] }));

    [Test]
    public void Should_keep_a_surrogate_pair()
    {
        var (request, errors) = SubmitJobValidation.Validate(Json("""{ "command": ["echo", "\ud83d\ude00"] }"""), string.Empty);

        Assert.That(errors, Is.Empty);
        Assert.That(request!.Command[1], Is.EqualTo("\U0001F600"));
    }

    [Test]
    public void Should_name_every_hostile_field_in_one_answer()
    {
        var errors = Errors("""
            { "command": ["sh", "\u0000"], "timeoutSeconds": 0, "env": { " ": "x" }, "labels": { "\u0085": "y" } }
            """);

        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "command", "timeoutSeconds", "env", "labels" }));
    }

    [TestCase("key\u0000")]
    [TestCase("k\u00e9y")]
    [TestCase("tab\there")]
    public void Should_refuse_an_idempotency_key_that_is_not_printable_ascii(string key)
    {
        var (_, errors) = SubmitJobValidation.Validate(Json("""{ "command": ["true"] }"""), key);

        Assert.That(errors, Is.EqualTo(new Dictionary<string, string[]>
        {
            ["Idempotency-Key"] = ["Idempotency-Key must be printable ASCII, without control characters."],
        }));
    }

    [Test]
    public void Should_refuse_a_command_over_its_bytes()
    {
        var errors = Errors(Body(["echo", new string('é', 2_047)]));

        Assert.That(errors, Is.EqualTo(new Dictionary<string, string[]>
        {
            ["command"] = ["command takes 4098 bytes (all arguments together); at most 4096 fit."],
        }));
    }

    [Test]
    public void Should_refuse_env_over_its_count_its_value_size_and_its_total()
    {
        var many = Enumerable.Range(0, 65).ToDictionary(i => $"V{i}", _ => "x");
        var large = new Dictionary<string, string> { ["BIG"] = new('x', 2_049) };
        var total = Enumerable.Range(0, 3).ToDictionary(i => $"V{i}", _ => new string('x', 1_400));

        Assert.That(Errors(Body(["true"], many))["env"], Is.EqualTo(new[] { "env may hold at most 64 variables; it holds 65." }));
        Assert.That(Errors(Body(["true"], large))["env"], Is.EqualTo(new[] { "env value of 'BIG' takes 2049 bytes; each value may take at most 2048." }));
        Assert.That(Errors(Body(["true"], total))["env"], Is.EqualTo(new[] { "env takes 4206 bytes (names and values); at most 4096 fit." }));
    }

    [Test]
    public void Should_refuse_a_command_and_env_that_fit_alone_but_not_together_in_a_task_launch()
    {
        // 2,000 bytes of '+' are 12,000 characters once the launch request escapes them.
        var errors = Errors(Body(["sh", new string('+', 2_000)], new Dictionary<string, string> { ["A"] = "1" }));

        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "command", "env" }));
        Assert.That(errors["command"].Single(), Does.StartWith("command and env take 12047 characters in the task's launch request; at most 7168 fit"));
    }

    [Test]
    public void Should_accept_each_field_at_its_bound_alone()
    {
        var env = new Dictionary<string, string> { ["A"] = new('x', 2_047), ["B"] = new('x', 2_047) };

        Assert.That(Errors(Body(["echo", new string('x', 4_092)])), Is.Empty);
        Assert.That(Errors(Body(["true"], env)), Is.Empty);
    }

    [Test]
    public void Should_take_its_bounds_from_configuration()
    {
        var limits = new SubmissionLimits { MaxEnvVariables = 1, MaxCommandBytes = 8, MaxLabels = 1 };

        var (_, errors) = SubmitJobValidation.Validate(
            Json(Body(["echo", "123456"], new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" }, new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" })),
            string.Empty,
            limits);

        Assert.That(errors["command"], Is.EqualTo(new[] { "command takes 10 bytes (all arguments together); at most 8 fit." }));
        Assert.That(errors["env"], Is.EqualTo(new[] { "env may hold at most 1 variables; it holds 2." }));
        Assert.That(errors["labels"].Single(), Does.StartWith("labels must be an object of at most 1 string values"));
    }

    [Test]
    public void Should_count_launch_characters_as_the_launch_request_escapes_them()
    {
        Assert.That(TaskLaunchSize.Characters(["a"], new Dictionary<string, string>()), Is.EqualTo("[\"a\"]".Length + 1));
        Assert.That(
            TaskLaunchSize.Characters(["é", "+"], new Dictionary<string, string> { ["N"] = "\"" }),
            Is.EqualTo("[\"\\u00E9\",\"\\u002B\"]".Length + 1 + "{\"name\":\"EP_JOB_ENV__N\",\"value\":\"\\u0022\"}".Length + 1));
    }

    private static Dictionary<string, string[]> Errors(string body) => SubmitJobValidation.Validate(Json(body), string.Empty).Errors;

    private static JsonElement Json(string body) => JsonSerializer.Deserialize<JsonElement>(body);

    private static string Body(string[] command, Dictionary<string, string>? env = null, Dictionary<string, string>? labels = null) =>
        JsonSerializer.Serialize(new { command, env, labels });
}

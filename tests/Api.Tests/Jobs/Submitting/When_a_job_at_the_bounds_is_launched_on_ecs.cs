using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Api.Jobs.Submitting;
using EventPlatform.Api.Tests.Hosting;
using EventPlatform.Testing;

namespace EventPlatform.Api.Tests.Jobs.Submitting;

/// <summary>
/// The submission bounds are there so that every accepted job can be launched: a job that fills
/// the launch budget with the costliest characters, launched by the ECS launcher with the longest
/// bucket name and a long artifact prefix, still fits the 8,192 characters ECS allows a task's
/// overrides, and its share of them is what the validation counted.
/// </summary>
[NonParallelizable]
public class When_a_job_at_the_bounds_is_launched_on_ecs
{
    private const int EcsOverridesLimit = 8_192;

    private EcsApiHost host = null!;

    [OneTimeSetUp]
    public async Task StartTheHost() => host = await EcsApiHost.StartAsync("api_bounds", new Dictionary<string, string>
    {
        ["Ecs:ArtifactsBucket"] = new string('b', 63),
        ["Ecs:ArtifactsPrefix"] = new string('p', 200) + "/",
    });

    [OneTimeTearDown]
    public async Task StopTheHost() => await host.DisposeAsync();

    [Test]
    public async Task Should_fit_the_task_overrides_with_the_platforms_own_variables()
    {
        // '+' and '<' take six characters each once escaped: 6 * (600 + 587) + 46 = 7168, the whole budget.
        string[] command = ["sh", new string('+', 600)];
        var env = new Dictionary<string, string> { ["V"] = new('<', 587) };
        Assert.That(TaskLaunchSize.Characters(command, env), Is.EqualTo(new SubmissionLimits().MaxLaunchCharacters));
        using var http = host.Client();

        using var submitted = await http.PostAsJsonAsync(
            new Uri("/jobs", UriKind.Relative), new { command, env, limits = new { cpu = 16_384, memoryMiB = 122_880 } });

        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await submitted.Content.ReadAsStringAsync());
        var jobId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString();
        var run = await Eventually.MatchAsync(
            () => Task.FromResult(host.Aws.RequestsFor("RunTask").FirstOrDefault(r => r.Json.GetProperty("startedBy").GetString() == jobId)),
            request => request is not null,
            TimeSpan.FromSeconds(60),
            "the launcher's RunTask");
        var overrides = JsonDocument.Parse(run!.Body).RootElement.GetProperty("overrides");
        var container = overrides.GetProperty("containerOverrides")[0];
        var jobsShare = container.GetProperty("command").GetRawText().Length + 1
            + container.GetProperty("environment").EnumerateArray()
                .Where(variable => variable.GetProperty("name").GetString()!.StartsWith("EP_JOB_ENV__", StringComparison.Ordinal))
                .Sum(variable => variable.GetRawText().Length + 1);

        Assert.That(overrides.GetRawText().Length, Is.LessThanOrEqualTo(EcsOverridesLimit));
        Assert.That(jobsShare, Is.EqualTo(TaskLaunchSize.Characters(command, env)));
    }
}

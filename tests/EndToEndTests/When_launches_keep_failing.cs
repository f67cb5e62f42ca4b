using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventPlatform.EndToEndTests;

/// <summary>A launcher that cannot create any task's working directory: every LaunchTask faults.</summary>
[TestFixture]
[NonParallelizable]
public sealed class When_launches_keep_failing : PlatformFixture
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["LocalLauncher__WorkRoot"] = "/proc/eventplatform-cannot-write-here",
    };

    [Test]
    public async Task Should_dead_letter_each_launch_and_fail_the_job_with_the_reason()
    {
        var jobId = await SubmitAsync(new { command = new[] { "true" }, maxAttempts = 2 });

        var job = await StateAsync(jobId, "Failed", TimeSpan.FromSeconds(90));

        Assert.That(job.GetProperty("attempt").GetInt32(), Is.EqualTo(2));
        Assert.That(job.GetProperty("error").GetString(), Does.StartWith("The task could not be launched: ").And.EndWith("(attempt 2 of 2)"));
        using var admin = Platform.ClientFor(RunningPlatform.AdminKey);
        var letters = await admin.GetFromJsonAsync<JsonElement>(new Uri("/admin/dead-letters", UriKind.Relative));
        var launches = letters.EnumerateArray()
            .Where(l => l.GetProperty("messageType").GetString() == "EventPlatform.Contracts.Tasks.LaunchTask")
            .Where(l => l.GetProperty("message").GetProperty("jobId").GetGuid() == jobId)
            .ToList();
        Assert.That(launches.Select(l => l.GetProperty("message").GetProperty("attempt").GetInt32()), Is.EquivalentTo(new[] { 1, 2 }));
        Assert.That(launches.Select(l => l.GetProperty("exception").GetString()), Has.All.Not.Empty);
    }

    [Test]
    public async Task Should_redrive_a_dead_letter_on_an_admins_request_only()
    {
        var jobId = await SubmitAsync(new { command = new[] { "true" }, maxAttempts = 1 });
        await StateAsync(jobId, "Failed", TimeSpan.FromSeconds(90));
        using var admin = Platform.ClientFor(RunningPlatform.AdminKey);
        var letter = (await admin.GetFromJsonAsync<JsonElement>(new Uri("/admin/dead-letters", UriKind.Relative)))
            .EnumerateArray()
            .First(l => l.GetProperty("message").TryGetProperty("jobId", out var id) && id.GetGuid() == jobId);
        var letterId = letter.GetProperty("id").GetGuid();

        using var byUser = await Platform.Http.PostAsync(new Uri($"/admin/dead-letters/{letterId}/redrive", UriKind.Relative), content: null);
        using var listByUser = await Platform.Http.GetAsync(new Uri("/admin/dead-letters", UriKind.Relative));
        using var unknown = await admin.PostAsync(new Uri($"/admin/dead-letters/{Guid.CreateVersion7()}/redrive", UriKind.Relative), content: null);
        using var redriven = await admin.PostAsync(new Uri($"/admin/dead-letters/{letterId}/redrive", UriKind.Relative), content: null);

        Assert.That(byUser.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(listByUser.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(redriven.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That((await redriven.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("redrivenAt").ValueKind, Is.EqualTo(JsonValueKind.String));

        // The job gave that attempt up (the launcher knew no task of it and was told to refuse it for
        // good): the re-driven LaunchTask reaches the launcher, which does not run it.
        await EventPlatform.Testing.Eventually.MatchAsync(
            () => Task.FromResult(Platform.Output.Split('\n').Count(line =>
                line.Contains("ignored: that attempt already ended", StringComparison.Ordinal)
                && line.Contains(jobId.ToString(), StringComparison.Ordinal))),
            count => count == 1,
            TimeSpan.FromSeconds(30),
            "the launcher to refuse the re-driven launch of the given-up attempt");
        var job = await Platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}", UriKind.Relative));
        Assert.That((job.GetProperty("state").GetString(), job.GetProperty("attempt").GetInt32()), Is.EqualTo(("Failed", 1)));
    }
}

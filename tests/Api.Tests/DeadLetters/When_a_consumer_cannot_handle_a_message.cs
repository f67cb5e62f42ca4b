using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Api.Tests.Hosting;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace EventPlatform.Api.Tests.DeadLetters;

/// <summary>
/// A message a consumer cannot handle must end in the dead letters, never be retried for ever
/// (docs/reliability.md, "Hostile input"). The messages are published straight onto the bus, as
/// another service or an old client could, past the API's validation.
/// </summary>
[TestFixture]
public sealed class When_a_consumer_cannot_handle_a_message : ApiHost
{
    [Test]
    public async Task Should_dead_letter_a_submission_the_saga_fails_on()
    {
        // No spec: the saga cannot put the job in line, on any delivery.
        var jobId = Guid.CreateVersion7();

        await Services.GetRequiredService<IBus>().Publish(new JobSubmitted(jobId, "alice", null!, DateTimeOffset.UtcNow));

        var letter = await DeadLetterAboutAsync(jobId);
        Assert.That(letter.GetProperty("messageType").GetString(), Is.EqualTo(typeof(JobSubmitted).FullName));
        Assert.That(letter.GetProperty("exception").GetString(), Is.Not.Empty);
    }

    [Test]
    [Explicit("Needs the Sagas change described in docs/reliability.md (Hostile input): a message that cannot be read raises no Fault<T>.")]
    public async Task Should_dead_letter_a_submission_the_bus_cannot_read()
    {
        var jobId = Guid.CreateVersion7();
        var spec = new JobSpec(["true"], 60, JobPriority.Normal, new Dictionary<string, string> { [" "] = "blank name" });

        await Services.GetRequiredService<IBus>().Publish(new JobSubmitted(jobId, "alice", spec, DateTimeOffset.UtcNow));

        var letter = await DeadLetterAboutAsync(jobId);
        Assert.That(letter.GetProperty("exception").GetString(), Does.Contain("PropertyName"));
    }

    private async Task<JsonElement> DeadLetterAboutAsync(Guid jobId)
    {
        using var admin = ClientFor(AdminKey);
        return await Eventually.MatchAsync(
            async () => (await admin.GetFromJsonAsync<JsonElement>(new Uri("/admin/dead-letters", UriKind.Relative)))
                .EnumerateArray()
                .FirstOrDefault(l => l.GetProperty("message").GetRawText().Contains(jobId.ToString(), StringComparison.Ordinal)),
            letter => letter.ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(60),
            $"a dead letter about job {jobId}");
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Api.Tests.Hosting;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Sagas.Jobs;
using EventPlatform.Testing;
using Marten;
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

        // Published past the API, it was never a job anyone was told about: none is made up.
        using var admin = ClientFor(AdminKey);
        using var status = await admin.GetAsync(new Uri($"/jobs/{jobId}", UriKind.Relative));
        Assert.That((int)status.StatusCode, Is.EqualTo(404));
    }

    [Test]
    public async Task Should_dead_letter_a_submission_the_bus_cannot_read()
    {
        var jobId = Guid.CreateVersion7();
        var spec = new JobSpec(["true"], 60, JobPriority.Normal, new Dictionary<string, string> { [" "] = "blank name" });

        // Staged as the API stages a submission, as one from before the API refused blank names was.
        var submitted = new JobSubmitted(jobId, "alice", spec, DateTimeOffset.UtcNow);
        await using (var session = Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            JobSubmission.Stage(session, submitted, Guid.CreateVersion7(), TimeSpan.FromMinutes(5));
            await session.SaveChangesAsync();
        }

        await Services.GetRequiredService<IBus>().Publish(submitted);

        var letter = await DeadLetterAboutAsync(jobId);
        Assert.That(letter.GetProperty("exception").GetString(), Does.Contain("PropertyName"));
        Assert.That(letter.GetProperty("messageType").GetString(), Is.EqualTo(typeof(JobSubmitted).FullName));

        using var alice = ClientFor(AliceKey);
        var job = await StateAsync(alice, jobId, "Failed");
        Assert.That(job.GetProperty("error").GetString(), Does.StartWith("The submission could not be processed: it could not be read"));
        using var cancel = await alice.PostAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), content: null);
        Assert.That((int)cancel.StatusCode, Is.EqualTo(409), "a job that ended cannot be cancelled");
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

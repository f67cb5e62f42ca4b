using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Api.Tests.Hosting;
using EventPlatform.Contracts.Jobs;
using EventPlatform.Contracts.Tasks;
using EventPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace EventPlatform.Api.Tests.Jobs.Correlation;

/// <summary>
/// Every message about a job is consumed in the job's conversation, whoever sent it (the API, the
/// admission controller, the saga, the task-event intake); the log scope writes that conversation as
/// each line's CorrelationId, so a job's log lines and its events name one id.
/// </summary>
public sealed class When_messages_about_a_job_travel : ApiHost
{
    private static readonly ConsumedConversations Consumed = new();

    [Test]
    public async Task Should_carry_the_jobs_correlation_id_from_submission_to_success()
    {
        using var alice = ClientFor(AliceKey);
        var jobId = await SubmitAsync(alice, new { command = new[] { "true" } });
        await StateAsync(alice, jobId, "Succeeded");

        var correlationId = await CorrelationIdOfEventsAsync(alice, jobId);
        await AssertConsumedInAsync(
            jobId, correlationId, typeof(JobSubmitted), typeof(JobAdmitted), typeof(LaunchTask), typeof(TaskStarted), typeof(TaskStopped));
    }

    [Test]
    public async Task Should_carry_it_into_a_cancellation_sent_by_the_api()
    {
        using var bob = ClientFor(BobKey);
        var jobId = await SubmitAsync(bob, new { command = new[] { "true" } });
        await StateAsync(bob, jobId, "Queued");
        using var cancel = await bob.PostAsync(new Uri($"/jobs/{jobId}/cancel", UriKind.Relative), content: null);
        await StateAsync(bob, jobId, "Cancelled");

        var correlationId = await CorrelationIdOfEventsAsync(bob, jobId);
        await AssertConsumedInAsync(jobId, correlationId, typeof(JobSubmitted), typeof(CancelJob));
    }

    [Test]
    public async Task Should_carry_it_into_a_dead_letter_an_admin_redrives()
    {
        using var bob = ClientFor(BobKey);
        var jobId = await SubmitAsync(bob, new { command = new[] { "true" } });
        await StateAsync(bob, jobId, "Queued");
        var letterId = await DeadLetterAsync(new CancelJob(jobId, "bob", "dead-lettered once"));

        using var admin = ClientFor(AdminKey);
        using var redrive = await admin.PostAsync(new Uri($"/admin/dead-letters/{letterId}/redrive", UriKind.Relative), content: null);
        Assert.That(redrive.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Accepted));
        await StateAsync(bob, jobId, "Cancelled");

        var correlationId = await CorrelationIdOfEventsAsync(bob, jobId);
        await AssertConsumedInAsync(jobId, correlationId, typeof(JobSubmitted), typeof(CancelJob));
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddConsumeObserver(_ => Consumed);

    private static async Task<string> CorrelationIdOfEventsAsync(HttpClient client, Guid jobId)
    {
        var events = await client.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/events", UriKind.Relative));
        var ids = events.EnumerateArray().Select(e => e.GetProperty("correlationId").GetString()).Distinct().ToList();
        Assert.That(ids, Has.Count.EqualTo(1), "one correlation id on every event of the stream");
        Assert.That(ids[0], Is.Not.Null.And.Not.Empty);
        return ids[0]!;
    }

    private static async Task AssertConsumedInAsync(Guid jobId, string correlationId, params Type[] expected)
    {
        // The saga's last transition commits before its consume observer is told: wait for the types.
        var seen = await Eventually.MatchAsync(
            () => Task.FromResult(Consumed.About(jobId)),
            messages => expected.All(type => messages.Any(m => m.Type == type)),
            TimeSpan.FromSeconds(30),
            $"every expected message about job {jobId} consumed");

        Assert.That(
            seen.Select(m => (m.Type.Name, Conversation: m.ConversationId?.ToString("N"))).Distinct(),
            Is.All.Matches<(string Name, string? Conversation)>(m => m.Conversation == correlationId),
            $"every message about the job in conversation {correlationId}: {string.Join(", ", seen.Select(m => $"{m.Type.Name} {m.ConversationId:N}"))}");
    }

    private sealed class ConsumedConversations : IConsumeObserver
    {
        private readonly ConcurrentQueue<(Guid JobId, Type Type, Guid? ConversationId)> consumed = new();

        public IReadOnlyList<(Type Type, Guid? ConversationId)> About(Guid jobId) =>
            [.. consumed.Where(c => c.JobId == jobId).Select(c => (c.Type, c.ConversationId))];

        public Task PreConsume<T>(ConsumeContext<T> context)
            where T : class
        {
            if (typeof(T).GetProperty("JobId")?.GetValue(context.Message) is Guid jobId)
            {
                consumed.Enqueue((jobId, typeof(T), context.ConversationId));
            }

            return Task.CompletedTask;
        }

        public Task PostConsume<T>(ConsumeContext<T> context)
            where T : class => Task.CompletedTask;

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}

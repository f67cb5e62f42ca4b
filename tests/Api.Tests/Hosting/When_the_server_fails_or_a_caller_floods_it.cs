using System.Net;
using System.Net.Http.Json;
using EventPlatform.Api.Jobs.Artifacts;
using Microsoft.Extensions.DependencyInjection;

namespace EventPlatform.Api.Tests.Hosting;

/// <summary>A host whose artifact store fails, and whose submission bucket holds two tokens and refills one a second.</summary>
[TestFixture]
public sealed class When_the_server_fails_or_a_caller_floods_it : ApiHost
{
    private const string Secret = "bucket ep-prod-artifacts refused the signature";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["RateLimits:Submissions:Burst"] = "2",
        ["RateLimits:Submissions:PerSecond"] = "1",
    };

    [Test]
    public async Task Should_answer_an_unexpected_failure_with_500_and_no_internals()
    {
        using var alice = ClientFor(AliceKey);
        var jobId = await SubmitAsync(alice, new { command = new[] { "true" } });
        await StateAsync(alice, jobId, "Succeeded");

        using var response = await alice.GetAsync(new Uri($"/jobs/{jobId}/artifacts", UriKind.Relative));

        var problem = await Problem.ReadAsync(response, HttpStatusCode.InternalServerError);
        var text = problem.ToString();
        Assert.That(text, Does.Not.Contain(Secret).And.Not.Contain(nameof(FailingStore)).And.Not.Contain(" at "));
    }

    [Test]
    public async Task Should_answer_a_burst_past_the_rate_limit_with_429_and_retry_after()
    {
        using var bob = ClientFor(BobKey);
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 20 && refused is null; i++)
        {
            var response = await bob.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), new { command = new[] { "true" } });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
                response.Dispose();
            }
        }

        Assert.That(refused, Is.Not.Null, "20 submissions at once never met the limit of 2");
        using (refused)
        {
            var problem = await Problem.ReadAsync(refused!, HttpStatusCode.TooManyRequests);
            Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo("Too many submissions"));
            Assert.That(refused!.Headers.RetryAfter?.Delta, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
        }
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IArtifactCatalog, FailingStore>();

    private sealed class FailingStore : IArtifactCatalog
    {
        public Task<IReadOnlyList<ArtifactLink>> ListAsync(Guid jobId, int attempt, Uri apiBase, CancellationToken cancellationToken) =>
            throw new InvalidOperationException(Secret);

        public Task<Stream?> OpenAsync(Guid jobId, int attempt, string name, CancellationToken cancellationToken) =>
            throw new InvalidOperationException(Secret);
    }
}

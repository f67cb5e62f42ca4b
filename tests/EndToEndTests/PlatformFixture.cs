using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventPlatform.Testing;

namespace EventPlatform.EndToEndTests;

/// <summary>One running platform per fixture, started before its first test and stopped after its last.</summary>
public abstract class PlatformFixture
{
    private static readonly string[] TerminalStates = ["Succeeded", "Failed", "TimedOut", "Cancelled"];

    internal RunningPlatform Platform { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartPlatform() => Platform = SplitOverRabbitMq
        ? await RunningPlatform.StartSplitAsync(Settings)
        : await RunningPlatform.StartAsync(Settings);

    [OneTimeTearDown]
    public async Task StopPlatform() => await Platform.DisposeAsync();

    /// <summary>Configuration of this fixture's host beyond the test defaults, as environment variables.</summary>
    protected virtual IReadOnlyDictionary<string, string>? Settings => null;

    /// <summary>Run the platform as an Api host and a worker host over RabbitMQ instead of all in one process.</summary>
    protected virtual bool SplitOverRabbitMq => false;

    protected static bool IsTerminal(JsonElement job) => TerminalStates.Contains(job.GetProperty("state").GetString());

    protected async Task<Guid> SubmitAsync(object job)
    {
        using var response = await Platform.Http.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), job);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
    }

    protected Task<JsonElement> GetJobAsync(Guid jobId) =>
        Platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}", UriKind.Relative));

    protected Task<JsonElement> StateAsync(Guid jobId, string state, TimeSpan? patience = null) => Eventually.MatchAsync(
        () => GetJobAsync(jobId),
        job => job.GetProperty("state").GetString() == state,
        patience ?? TimeSpan.FromSeconds(60),
        $"job {jobId} to be {state}");

    protected Task<JsonElement> FinalStateAsync(Guid jobId, TimeSpan? patience = null) => Eventually.MatchAsync(
        () => GetJobAsync(jobId),
        IsTerminal,
        patience ?? TimeSpan.FromSeconds(60),
        $"job {jobId} to end");

    protected async Task<IReadOnlyList<string>> EventTypesAsync(Guid jobId)
    {
        var events = await Platform.Http.GetFromJsonAsync<JsonElement>(new Uri($"/jobs/{jobId}/events", UriKind.Relative));
        var list = events.EnumerateArray().ToList();
        Assert.That(list.Select(e => e.GetProperty("version").GetInt64()), Is.Ordered.Ascending);
        return [.. list.Select(e => e.GetProperty("type").GetString()!)];
    }
}

using System.Collections.Concurrent;
using EventPlatform.Agent.Artifacts;

namespace EventPlatform.Agent.Tests.Artifacts;

/// <summary>Keeps what is stored in memory; fails the first <c>failures[name]</c> puts of a name (all of them for int.MaxValue).</summary>
internal sealed class FakeStore(Dictionary<string, int>? failures = null) : IArtifactStore
{
    private readonly Dictionary<string, int> failures = failures ?? [];

    public ConcurrentDictionary<string, byte[]> Stored { get; } = new();

    public List<string> Puts { get; } = [];

    public async Task PutAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        Puts.Add(name);
        if (failures.TryGetValue(name, out var left) && left > 0)
        {
            failures[name] = left - 1;
            throw new IOException($"store unavailable for {name}");
        }

        using var copy = new MemoryStream();
        await content.CopyToAsync(copy, cancellationToken);
        Stored[name] = copy.ToArray();
    }

    public void Dispose()
    {
    }
}

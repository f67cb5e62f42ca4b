using EventPlatform.Contracts.Artifacts;

namespace EventPlatform.Agent.Artifacts;

/// <summary>
/// The local launcher's store: a folder the API serves. Each file is copied beside its final
/// name and then renamed, so a reader never sees half a file (the API skips the partial names).
/// </summary>
internal sealed class LocalArtifactStore(string directory) : IArtifactStore
{
    private readonly string root = Path.GetFullPath(directory);

    public async Task PutAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(Path.Combine(root, name));
        if (!target.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Artifact name '{name}' leaves the attempt's folder.", nameof(name));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = $"{target}.{Guid.NewGuid():N}{ArtifactLayout.PartialSuffix}";
        try
        {
            await using (var copy = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81_920, useAsync: true))
            {
                await content.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            }

            File.Move(partial, target, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public void Dispose()
    {
    }
}

using EventPlatform.Contracts.Artifacts;
using Microsoft.Extensions.Options;

namespace EventPlatform.Api.Jobs.Artifacts;

/// <summary>The local store's folder: maps object keys to files, and never outside the folder.</summary>
internal sealed class LocalArtifactFiles(IOptions<ArtifactsOptions> options)
{
    public string Root { get; } = Path.GetFullPath(options.Value.LocalRoot);

    public string? PathOf(string objectKey)
    {
        var path = Path.GetFullPath(Path.Combine(Root, objectKey));
        return path.StartsWith(Root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? path : null;
    }

    /// <summary>Complete regular files only: links are skipped, and so are files the Agent is still copying in.</summary>
    public IEnumerable<(string Name, FileInfo File)> List(string objectPrefix)
    {
        var directory = PathOf(objectPrefix) is { } path ? new DirectoryInfo(path) : null;
        if (directory is not { Exists: true })
        {
            return [];
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        return directory.EnumerateFiles("*", options)
            .Where(file => !file.Name.EndsWith(ArtifactLayout.PartialSuffix, StringComparison.Ordinal))
            .Select(file => (Path.GetRelativePath(directory.FullName, file.FullName).Replace(Path.DirectorySeparatorChar, '/'), file))
            .OrderBy(entry => entry.Item1, StringComparer.Ordinal);
    }
}

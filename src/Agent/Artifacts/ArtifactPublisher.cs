using System.Text.Json;
using EventPlatform.Agent.Session;
using EventPlatform.Contracts.Artifacts;

namespace EventPlatform.Agent.Artifacts;

/// <summary>
/// Stores what an attempt leaves once its command has ended: the files the command wrote under
/// <c>$EP_ARTIFACTS_DIR</c>, then session-replay.json and logs.txt, then result.json, which says
/// whether everything before it was stored. Every upload is retried; whatever still fails is named
/// in result.json and in the agent's log.
/// </summary>
internal sealed class ArtifactPublisher(IArtifactStore store, AgentLog log, UploadRetry retry, string scratchDirectory)
{
    /// <summary>More files than any job should hand back; the rest are reported, not stored.</summary>
    public const int MaxCommandFiles = 1_000;

    private static readonly string[] ReservedNames = [ArtifactLayout.ResultName, ArtifactLayout.LogsName, ArtifactLayout.ReplayName];

    public async Task<AgentResult> PublishAsync(
        AgentContext context, int exitCode, string artifactsDirectory, OutputRecorder recorder, CancellationToken cancellationToken)
    {
        var stored = new List<StoredArtifact>();
        var errors = new List<string>();

        foreach (var (name, path) in CommandFiles(artifactsDirectory, errors))
        {
            if (ReservedNames.Contains(name, StringComparer.Ordinal))
            {
                errors.Add($"'{name}' was not stored: the name is the agent's own.");
                continue;
            }

            await StoreFileAsync(name, path, stored, errors, cancellationToken).ConfigureAwait(false);
        }

        var replayPath = Path.Combine(scratchDirectory, ArtifactLayout.ReplayName);
        await File.WriteAllBytesAsync(replayPath, JsonSerializer.SerializeToUtf8Bytes(recorder.Replay(context.JobId, context.Attempt), ArtifactJson.Files.SessionReplay), cancellationToken).ConfigureAwait(false);
        await StoreFileAsync(ArtifactLayout.ReplayName, replayPath, stored, errors, cancellationToken).ConfigureAwait(false);
        await StoreFileAsync(ArtifactLayout.LogsName, recorder.LogsPath, stored, errors, cancellationToken).ConfigureAwait(false);

        var result = Result(context, exitCode, recorder, stored, errors);
        var resultBytes = JsonSerializer.SerializeToUtf8Bytes(result, ArtifactJson.Files.AgentResult);
        try
        {
            await retry.RunAsync(
                async token =>
                {
                    using var content = new MemoryStream(resultBytes, writable: false);
                    await store.PutAsync(ArtifactLayout.ResultName, content, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever the store throws, the job's outcome stands; the loss is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            log.Error($"Artifacts not stored: {ArtifactLayout.ResultName} could not be stored after {retry.Attempts} tries: {ex.Message}");
            return result with { ArtifactsStored = false, Error = Join(result.Error, $"{ArtifactLayout.ResultName}: {ex.Message}") };
        }

        if (result.ArtifactsStored)
        {
            log.Info($"Stored {stored.Count + 1} artifacts.");
        }
        else
        {
            log.Error($"Some artifacts were not stored: {result.Error}");
        }

        return result;
    }

    public static AgentResult Result(
        AgentContext context, int exitCode, OutputRecorder recorder, IReadOnlyList<StoredArtifact> stored, IReadOnlyList<string> errors) => new(
        context.JobId,
        context.Attempt,
        exitCode,
        recorder.StartedAt,
        recorder.EndedAt,
        (long)(recorder.EndedAt - recorder.StartedAt).TotalMilliseconds,
        [.. stored],
        errors.Count == 0,
        errors.Count == 0 ? null : string.Join("; ", errors));

    /// <summary>
    /// Regular files only: a link could point anywhere on the machine, and the folder itself must
    /// not have been swapped for one.
    /// </summary>
    private static IEnumerable<(string Name, string Path)> CommandFiles(string directory, List<string> errors)
    {
        var folder = new DirectoryInfo(directory);
        if (!folder.Exists)
        {
            return [];
        }

        if (folder.LinkTarget is not null)
        {
            errors.Add("$EP_ARTIFACTS_DIR was replaced by a link; none of its files were stored.");
            return [];
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            IgnoreInaccessible = true,
        };
        var files = folder.EnumerateFiles("*", options)
            .Select(file => (Name: Path.GetRelativePath(folder.FullName, file.FullName).Replace(Path.DirectorySeparatorChar, '/'), Path: file.FullName))
            .OrderBy(file => file.Name, StringComparer.Ordinal)
            .ToList();
        if (files.Count > MaxCommandFiles)
        {
            errors.Add($"$EP_ARTIFACTS_DIR holds {files.Count} files; only the first {MaxCommandFiles} were stored.");
            files.RemoveRange(MaxCommandFiles, files.Count - MaxCommandFiles);
        }

        return files;
    }

    private async Task StoreFileAsync(string name, string path, List<StoredArtifact> stored, List<string> errors, CancellationToken cancellationToken)
    {
        long size = 0;
        try
        {
            await retry.RunAsync(
                async token =>
                {
                    // An empty entry is not opened: it may be a FIFO the command left, which would block the open.
                    size = new FileInfo(path).Length;
                    await using var content = size == 0
                        ? (Stream)new MemoryStream([], writable: false)
                        : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 81_920, useAsync: true);
                    await store.PutAsync(name, content, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            stored.Add(new StoredArtifact(name, size));
        }
#pragma warning disable CA1031 // One artifact that cannot be stored must not keep the others from being stored.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            errors.Add($"{name}: {ex.Message}");
        }
    }

    private static string Join(string? first, string second) => first is null ? second : $"{first}; {second}";
}

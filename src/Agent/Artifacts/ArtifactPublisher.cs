using System.Text.Json;
using EventPlatform.Agent.Session;
using EventPlatform.Contracts.Artifacts;

namespace EventPlatform.Agent.Artifacts;

/// <summary>
/// Stores what an attempt leaves once its command has ended: the files the command wrote under
/// <c>$EP_ARTIFACTS_DIR</c> (as <see cref="ArtifactFolder"/> opens them), then session-replay.json and
/// logs.txt, then result.json, which says whether everything before it was stored. Every upload is
/// retried; whatever still fails, and whatever was skipped, is named in result.json and in the agent's log.
/// </summary>
internal sealed class ArtifactPublisher(IArtifactStore store, AgentLog log, UploadRetry retry, string scratchDirectory)
{
    private static readonly string[] ReservedNames = [ArtifactLayout.ResultName, ArtifactLayout.LogsName, ArtifactLayout.ReplayName];

    public async Task<AgentResult> PublishAsync(
        AgentContext context, int exitCode, ArtifactFolder folder, OutputRecorder recorder, CancellationToken cancellationToken)
    {
        var stored = new List<StoredArtifact>();
        var errors = new List<string>();

        foreach (var file in folder.Files(errors))
        {
            using (file)
            {
                if (ReservedNames.Contains(file.Name, StringComparer.Ordinal))
                {
                    errors.Add($"'{file.Name}' was not stored: the name is the agent's own.");
                    continue;
                }

                await StoreAsync(file.Name, () => file.Content, stored, errors, cancellationToken).ConfigureAwait(false);
            }
        }

        var replayPath = Path.Combine(scratchDirectory, ArtifactLayout.ReplayName);
        await File.WriteAllBytesAsync(replayPath, JsonSerializer.SerializeToUtf8Bytes(recorder.Replay(context.JobId, context.Attempt), ArtifactJson.Files.SessionReplay), cancellationToken).ConfigureAwait(false);
        await StoreAsync(ArtifactLayout.ReplayName, () => File.OpenRead(replayPath), stored, errors, cancellationToken).ConfigureAwait(false);
        await StoreAsync(ArtifactLayout.LogsName, () => File.OpenRead(recorder.LogsPath), stored, errors, cancellationToken).ConfigureAwait(false);

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

    /// <summary>Stores one file, read from its start on each try; the agent's own files are opened by path, the command's come open.</summary>
    private async Task StoreAsync(string name, Func<Stream> open, List<StoredArtifact> stored, List<string> errors, CancellationToken cancellationToken)
    {
        try
        {
            await using var content = open();
            await retry.RunAsync(
                async token =>
                {
                    content.Position = 0;
                    await store.PutAsync(name, content, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            stored.Add(new StoredArtifact(name, content.Length));
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

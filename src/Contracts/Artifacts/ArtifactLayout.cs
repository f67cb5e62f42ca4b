namespace EventPlatform.Contracts.Artifacts;

/// <summary>Where an attempt's artifacts are, in a bucket or under the local root: <c>{prefix}jobs/{jobId}/attempt-{n}/</c>.</summary>
public static class ArtifactLayout
{
    public const string ResultName = "result.json";
    public const string LogsName = "logs.txt";
    public const string ReplayName = "session-replay.json";

    /// <summary>The Agent's local store writes a file under this suffix and renames it when complete.</summary>
    public const string PartialSuffix = ".ep-partial";

    public static string AttemptPrefix(string rootPrefix, Guid jobId, int attempt) => AttemptPrefix(rootPrefix, jobId.ToString("D"), attempt);

    /// <summary>The same, for a job id as the Agent reads it from its environment.</summary>
    public static string AttemptPrefix(string rootPrefix, string jobId, int attempt)
    {
        var root = rootPrefix.Length == 0 || rootPrefix.EndsWith('/') ? rootPrefix : rootPrefix + "/";
        return $"{root}jobs/{jobId}/attempt-{attempt}/";
    }

    public static string LocalAttemptDirectory(string localRoot, Guid jobId, int attempt) =>
        Path.Combine(Path.GetFullPath(localRoot), AttemptPrefix(string.Empty, jobId, attempt));

    /// <summary>What the local launcher has relayed of an attempt's output so far; kept apart from the artifacts.</summary>
    public static string LiveLogPath(string localRoot, Guid jobId, int attempt) =>
        Path.Combine(Path.GetFullPath(localRoot), "live", $"{jobId:D}", $"attempt-{attempt}.log");
}

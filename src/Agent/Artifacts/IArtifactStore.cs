namespace EventPlatform.Agent.Artifacts;

/// <summary>Where one attempt's artifacts are kept; names are relative, with '/' between folders.</summary>
internal interface IArtifactStore : IDisposable
{
    /// <summary>Stores <paramref name="content"/> (seekable, read from its start) under <paramref name="name"/>, replacing what is there.</summary>
    Task PutAsync(string name, Stream content, CancellationToken cancellationToken);
}

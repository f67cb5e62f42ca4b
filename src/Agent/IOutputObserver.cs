namespace EventPlatform.Agent;

/// <summary>
/// Sees every line the command prints, as the runner relays it. Called from the runner's relay
/// tasks (stdout and stderr concurrently), so an implementation must be thread-safe and quick.
/// </summary>
internal interface IOutputObserver
{
    void OnOutput(string stream, string line);
}

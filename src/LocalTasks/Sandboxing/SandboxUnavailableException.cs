namespace EventPlatform.LocalTasks.Sandboxing;

/// <summary>A task cannot be sandboxed here; it does not run at all.</summary>
internal sealed class SandboxUnavailableException(string message) : Exception(message);

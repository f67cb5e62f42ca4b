namespace EventPlatform.Agent;

/// <summary>The launcher asked for a sandbox (or a user) that cannot be built; <see cref="ExitCode"/> says whose fault it is.</summary>
internal sealed class SandboxException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

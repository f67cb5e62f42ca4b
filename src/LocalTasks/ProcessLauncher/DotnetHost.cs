namespace EventPlatform.LocalTasks.ProcessLauncher;

/// <summary>The `dotnet` executable that runs the Agent: the one running this host when there is one.</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Resolve();

    private static string Resolve()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        return Environment.ProcessPath is { } processPath && System.IO.Path.GetFileNameWithoutExtension(processPath) == "dotnet"
            ? processPath
            : "dotnet";
    }
}

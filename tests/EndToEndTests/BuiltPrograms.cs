using System.Reflection;

namespace EventPlatform.EndToEndTests;

/// <summary>Where the built host and CLI are, in the configuration these tests were built in.</summary>
internal static class BuiltPrograms
{
    public static string RepositoryRoot { get; } = FindRoot();

    private static string Configuration { get; } = typeof(BuiltPrograms).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Configuration").Value!;

    public static string Host => Output("Host", "EventPlatform.Host.dll");

    public static string Cli => Output("Cli", "ep.dll");

    private static string Output(string project, string assembly) =>
        Path.Combine(RepositoryRoot, "src", project, "bin", Configuration, "net10.0", assembly);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "EventPlatform.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("EventPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}

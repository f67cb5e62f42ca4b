using System.Xml.Linq;

namespace EventPlatform.Host.Tests;

/// <summary>The layout shows the design: the Host composes modules, modules stand on Contracts, the Agent on Contracts alone.</summary>
public class When_reading_the_project_graph
{
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["Contracts"] = [],
        ["Agent"] = ["Contracts"],
        ["Cli"] = ["Contracts"],
        ["Projections"] = ["Contracts"],
        ["Sagas"] = ["Contracts"],
        ["EcsBridge"] = ["Contracts"],
        ["LocalTasks"] = ["Contracts", "EcsBridge"],
        ["Api"] = ["Contracts", "Projections", "Sagas"],
        ["Host"] = ["Agent", "Api", "Contracts", "EcsBridge", "LocalTasks", "Projections", "Sagas"],
    };

    [Test]
    public void Should_have_each_project_reference_only_what_the_design_gives_it()
    {
        var actual = Directory.GetDirectories(Path.Combine(RepositoryRoot(), "src"))
            .Select(folder => Path.Combine(folder, Path.GetFileName(folder) + ".csproj"))
            .Where(File.Exists)
            .ToDictionary(file => Path.GetFileNameWithoutExtension(file), References);

        Assert.That(actual.Keys, Is.EquivalentTo(Expected.Keys));
        foreach (var (project, references) in Expected)
        {
            Assert.That(actual[project], Is.EqualTo(references), $"{project} references");
        }
    }

    private static string[] References(string projectFile) =>
    [
        .. XDocument.Load(projectFile).Descendants("ProjectReference")
            .Select(reference => Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/')))
            .Order(StringComparer.Ordinal),
    ];

    private static string RepositoryRoot()
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

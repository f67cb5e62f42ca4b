using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EventPlatform.ContainerTests;

/// <summary>
/// The images scripts/build-images.sh built for this tree (./test.sh exports their tag), run with
/// podman and the repository's podman settings.
/// </summary>
internal static class Podman
{
    public const string TagVariable = "EP_TEST_IMAGE_TAG";

    /// <summary>How a container reaches the servers ./test.sh started on the machine's 127.0.0.1 (slirp4netns).</summary>
    public const string HostLoopback = "10.0.2.2";

    public static readonly string RepositoryRoot = FindRepositoryRoot();

    public static string Tag =>
        Environment.GetEnvironmentVariable(TagVariable) is { Length: > 0 } tag
            ? tag
            : throw new InvalidOperationException($"{TagVariable} is not set. Run the tests through ./test.sh, which builds the images.");

    public static string Image(string name) => $"localhost/eventplatform/{name}:{Tag}";

    /// <summary>A network of the container's own, like awsvpc, that still reaches the machine's loopback servers.</summary>
    public static IReadOnlyList<string> OwnNetwork => ["--network", "slirp4netns:allow_host_loopback=true"];

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("podman")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.Environment["CONTAINERS_CONF"] = Path.Combine(RepositoryRoot, "build", "images", "containers.conf");
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var podman = Process.Start(startInfo)!;
        var output = podman.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = podman.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await podman.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            podman.Kill(entireProcessTree: true);
            throw new TimeoutException($"podman {string.Join(' ', arguments)} took over two minutes.");
        }

        return (podman.ExitCode, await output, await error);
    }

    /// <summary>Runs podman and requires exit code 0; gives its standard output, trimmed.</summary>
    public static async Task<string> RequireAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(arguments);
        Assert.That(exitCode, Is.Zero, $"podman {string.Join(' ', arguments)}: {error}");
        return output.Trim();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string FindRepositoryRoot()
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

using System.Diagnostics;

namespace EventPlatform.EndToEndTests;

/// <summary>
/// The private RabbitMQ node ./test.sh starts. Each platform gets a virtual host of its own, so
/// queues of one test never hold messages for another.
/// </summary>
internal static class TestRabbitMq
{
    public const string Variable = "EP_TEST_RABBITMQ";
    public const string CtlVariable = "EP_TEST_RABBITMQCTL";

    public static string Broker => Required(Variable);

    public static async Task<string> CreateVirtualHostAsync(string purpose)
    {
        var name = $"ep-{purpose}-{Guid.NewGuid():N}";
        await CtlAsync("add_vhost", name);
        await CtlAsync("set_permissions", "-p", name, "guest", ".*", ".*", ".*");
        return name;
    }

    public static Task DeleteVirtualHostAsync(string name) => CtlAsync("delete_vhost", name);

    /// <summary>Stops the broker application and starts it again: every connection is cut; durable queues and their messages stay.</summary>
    public static async Task RestartAsync()
    {
        await CtlAsync("stop_app");
        await CtlAsync("start_app");
        await CtlAsync("await_startup");
    }

    /// <summary>The messages ready in each queue of <paramref name="virtualHost"/>, by queue name.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> ReadyMessagesAsync(string virtualHost)
    {
        var listing = await CtlAsync("list_queues", "-p", virtualHost, "name", "messages_ready", "--quiet", "--no-table-headers");
        return listing
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t'))
            .ToDictionary(columns => columns[0], columns => int.Parse(columns[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<string> CtlAsync(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Required(CtlVariable))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.That(process.ExitCode, Is.Zero, $"rabbitmqctl {string.Join(' ', arguments)}: {await error}");
        return await output;
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set. Run the tests through ./test.sh, which starts a private RabbitMQ node.");
}

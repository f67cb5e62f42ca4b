namespace EventPlatform.Host;

/// <summary>
/// The broker of <c>Bus:Transport=RabbitMQ</c>, from section <c>Bus:RabbitMq</c>: <c>Host</c> is a
/// host name, or an <c>amqp://</c> or <c>amqps://</c> URI as Amazon MQ lists its endpoints
/// (<c>amqps://b-….mq.eu-west-1.amazonaws.com:5671</c>); amqps means TLS. <c>Port</c>,
/// <c>VirtualHost</c>, <c>Username</c> and <c>Password</c>, when set, win over the URI's.
/// </summary>
internal sealed class RabbitMqBroker
{
    public const string Section = "Bus:RabbitMq";

    private const ushort AmqpPort = 5672;
    private const ushort AmqpsPort = 5671;

    private RabbitMqBroker(string host, ushort port, string virtualHost, bool useTls, string username, string password)
    {
        Host = host;
        Port = port;
        VirtualHost = virtualHost;
        UseTls = useTls;
        Username = username;
        Password = password;
    }

    public string Host { get; }

    public ushort Port { get; }

    public string VirtualHost { get; }

    public bool UseTls { get; }

    public string Username { get; }

    public string Password { get; }

    /// <summary>Where it connects, without the credentials: safe to log.</summary>
    public override string ToString() => $"{(UseTls ? "amqps" : "amqp")}://{Host}:{Port}/{Uri.EscapeDataString(VirtualHost)}";

    public static RabbitMqBroker From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var host = section["Host"];
        if (string.IsNullOrWhiteSpace(host))
        {
            throw new HostConfigurationException($"Bus:Transport RabbitMQ needs {Section}:Host (a host name or an amqp:// or amqps:// URI).");
        }

        var name = host;
        var useTls = false;
        ushort? uriPort = null;
        string? uriVirtualHost = null;
        string? uriUsername = null;
        string? uriPassword = null;
        if (host.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(host, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps") || uri.Host.Length == 0)
            {
                throw new HostConfigurationException($"{Section}:Host '{host}' is neither a host name nor an amqp:// or amqps:// URI.");
            }

            name = uri.Host;
            useTls = uri.Scheme == "amqps";
            uriPort = uri.IsDefaultPort ? null : (ushort)uri.Port;
            uriVirtualHost = uri.AbsolutePath.Length > 1 ? Uri.UnescapeDataString(uri.AbsolutePath[1..]) : null;
            if (uri.UserInfo.Length > 0)
            {
                var credentials = uri.UserInfo.Split(':', 2);
                uriUsername = Uri.UnescapeDataString(credentials[0]);
                uriPassword = credentials.Length == 2 ? Uri.UnescapeDataString(credentials[1]) : null;
            }
        }

        var port = uriPort ?? (useTls ? AmqpsPort : AmqpPort);
        if (section["Port"] is { Length: > 0 } configuredPort
            && (!ushort.TryParse(configuredPort, out port) || port == 0))
        {
            throw new HostConfigurationException($"{Section}:Port '{configuredPort}' is not a port number (1 to 65535).");
        }

        return new RabbitMqBroker(
            name,
            port,
            section["VirtualHost"] is { Length: > 0 } virtualHost ? virtualHost : uriVirtualHost ?? "/",
            useTls,
            section["Username"] is { Length: > 0 } username ? username : uriUsername ?? "guest",
            section["Password"] is { Length: > 0 } password ? password : uriPassword ?? "guest");
    }
}

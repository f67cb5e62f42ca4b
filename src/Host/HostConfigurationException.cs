namespace EventPlatform.Host;

/// <summary>A setting the host cannot start with; Program prints its message as one line and exits with code 2.</summary>
internal sealed class HostConfigurationException(string message) : Exception(message);
